// The one way the technician app makes markup: lit-html's tagged templates, which escape every
// value by construction (a value is a text node or an attribute value, never parsed as HTML).
// The version is named here once; every screen imports from this module.
export { html, svg, render, nothing } from "/static/vendor/lit-html-3.3.3/lit-html.js";
