// The words the phone shows, in the person's language. They come inside the shell from the
// Flask-Babel catalogue (webapp/jobs/words.py extracts every t() call of offline/ and translates it),
// so each sentence is written once: here, where it is used.
import { boot } from "./context.js";

export const lang = boot.lang;

// Translate an English msgid and fill its %(name)s / %(name)d parameters.
export function t(key, params) {
  const text = boot.strings[key] || key;
  return text.replace(/%\((\w+)\)[sd]/g, (_, name) => (params && name in params ? params[name] : ""));
}

// The colon after a label in the person's language: "：" in Chinese text, ": " in English (as webapp/filters.py colon()).
export const colon = lang === "en" ? ": " : "：";

// The catalogue's word for a code (state, action, symptom, …), as the desk shows it.
export function label(kind, value) { return (boot.labels[kind] || {})[value] || value || ""; }

// What an LED does, in the desk's words (labels "led_state"): the runner, the LED check, the closure reply.
export const LED_WORDS = boot.labels.led_state;
