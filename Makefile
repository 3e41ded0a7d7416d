# Two commands do everything on a fresh Debian machine: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN := $(VENV)/bin

.PHONY: run test install translations chromium fonts caddy bench bench-capacity lighthouse clean-db messages

$(BIN)/activate:
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q python3-venv python3-pip; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install -q -r requirements.txt
	touch $@

install: $(VENV)/.installed

translations: install
	$(BIN)/pybabel compile -d webapp/translations >/dev/null

# Debian's chromium for the browser tests, and a CJK font so screenshots show Chinese, not boxes.
chromium:
	@command -v chromium >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q . || { \
	  echo "installing Debian's chromium and fonts-noto-cjk for the browser tests"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium fonts-noto-cjk; }

# Debian's caddy: tests/test_healthz_proxy.py runs the shipped Caddyfile in front of the server.
caddy:
	@command -v caddy >/dev/null 2>&1 || { echo "installing Debian's caddy for the reverse-proxy tests"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q caddy; }

# Lighthouse for tests/test_lighthouse_browser.py and `make lighthouse`: the npm package pinned in
# bench/lighthouse/package-lock.json, run with Debian's chromium (CHROME_PATH; nothing downloaded).
LIGHTHOUSE := bench/lighthouse/node_modules/.bin/lighthouse
$(LIGHTHOUSE): bench/lighthouse/package.json bench/lighthouse/package-lock.json
	@command -v npm >/dev/null 2>&1 || { $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q nodejs npm; }
	cd bench/lighthouse && npm ci --no-audit --no-fund --silent
	touch $@

# The fonts the visit report PDFs embed (and that show Chinese in screenshots): Noto Sans CJK SC,
# and the fallbacks webapp/signoff/report.py FALLBACK_FAMILIES names: HanaMin A/B and BabelStone Han
# (CJK Extensions A–H, rare characters in names), Noto Color Emoji and Symbola (emoji, symbols).
PDF_FONTS := fonts-noto-cjk fonts-hanazono fonts-babelstone-han fonts-noto-color-emoji fonts-symbola fontconfig
fonts:
	@fc-list 2>/dev/null | grep -q "HanaMinB" && fc-list 2>/dev/null | grep -q "Noto Color Emoji" \
	  && fc-list 2>/dev/null | grep -q "BabelStone Han" && fc-list :lang=zh 2>/dev/null | grep -qi "Noto Sans CJK" || { \
	  echo "installing the fonts for the visit report PDFs: $(PDF_FONTS)"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $(PDF_FONTS); }

# `make run`: gunicorn (web) + the Huey job worker (worker) under honcho, from the Procfile; in
# production (ONTRACK_ENV=production) also Litestream (replicate). Everything is configured by
# ONTRACK_* variables (README, "Configuration"); the development server never serves anyone.
export ONTRACK_DATABASE ?= $(CURDIR)/instance/ontrack.sqlite3
export ONTRACK_REPLICA_URL ?= file://$(CURDIR)/instance/replica
export ONTRACK_BIND ?= $(HOST):$(PORT)
PROCESSES := $(if $(filter production,$(ONTRACK_ENV)),web worker replicate,web worker)

run: translations fonts
	@mkdir -p instance
	@$(BIN)/flask --app wsgi prepare --url http://$(HOST):$(PORT)/
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start -f Procfile $(PROCESSES)

test: translations chromium fonts caddy $(LIGHTHOUSE)
	$(BIN)/python -m pytest

bench: translations chromium
	$(BIN)/python bench/bench_dispatch.py
	$(BIN)/python bench/bench_sync.py
	$(BIN)/python bench/bench_wifi.py
	$(BIN)/python bench/bench_led.py
	$(BIN)/python bench/bench_groupfault.py
	$(BIN)/python bench/bench_console.py
	$(BIN)/python bench/bench_pull.py
	$(BIN)/python bench/bench_sync_cpu.py
	$(BIN)/python bench/bench_intake.py
	$(BIN)/python bench/bench_kpi.py

# How many technicians this box serves (real HTTP against what `make run` starts; see docs/scaling.md).
bench-capacity: translations fonts
	$(BIN)/python bench/bench_capacity.py

# Lighthouse (mobile) on the technician's and the dispatcher's landing pages.
lighthouse: translations chromium $(LIGHTHOUSE)
	$(BIN)/python bench/lighthouse.py

clean-db:
	rm -f instance/ontrack.sqlite3 instance/ontrack.sqlite3-wal instance/ontrack.sqlite3-shm instance/jobs.sqlite3*

# After adding user-facing strings: extract them and update the zh-CN catalog, then translate.
messages: install
	PYTHONPATH=. $(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output --no-wrap -o webapp/translations/messages.pot .
	$(BIN)/pybabel update -i webapp/translations/messages.pot -d webapp/translations --no-fuzzy-matching --no-wrap
