# Two commands do everything on a fresh Debian machine: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 5000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BIN := $(VENV)/bin

.PHONY: run test install translations chromium fonts bench clean-db messages

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

# The fonts the visit report PDFs embed (and that show Chinese in screenshots): Noto Sans CJK SC,
# and the fallbacks webapp/signoff/report.py FALLBACK_FAMILIES names: HanaMin A/B and BabelStone Han
# (CJK Extensions A–H, rare characters in names), Noto Color Emoji and Symbola (emoji, symbols).
PDF_FONTS := fonts-noto-cjk fonts-hanazono fonts-babelstone-han fonts-noto-color-emoji fonts-symbola fontconfig
fonts:
	@fc-list 2>/dev/null | grep -q "HanaMinB" && fc-list 2>/dev/null | grep -q "Noto Color Emoji" \
	  && fc-list 2>/dev/null | grep -q "BabelStone Han" && fc-list :lang=zh 2>/dev/null | grep -qi "Noto Sans CJK" || { \
	  echo "installing the fonts for the visit report PDFs: $(PDF_FONTS)"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $(PDF_FONTS); }

run: translations fonts
	@$(BIN)/flask --app wsgi demo-data --if-empty
	@echo ""
	@echo "  ONTrack is running at http://$(HOST):$(PORT)/"
	@echo "  Demo logins (password: ontrack-demo):"
	@echo "    dispatchers: dispatch1, dispatch2    supervisor: admin"
	@echo "    technicians: tech1 ... tech8"
	@echo ""
	$(BIN)/flask --app wsgi run --host $(HOST) --port $(PORT) --with-threads --no-reload

test: translations chromium fonts
	$(BIN)/python -m pytest

bench: translations chromium
	$(BIN)/python bench/bench_dispatch.py
	$(BIN)/python bench/bench_sync.py
	$(BIN)/python bench/bench_wifi.py
	$(BIN)/python bench/bench_led.py
	$(BIN)/python bench/bench_groupfault.py

clean-db:
	rm -f instance/ontrack.sqlite3 instance/ontrack.sqlite3-wal instance/ontrack.sqlite3-shm

# After adding user-facing strings: extract them and update the zh-CN catalog, then translate.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ --no-location --sort-output --no-wrap -o webapp/translations/messages.pot .
	$(BIN)/pybabel update -i webapp/translations/messages.pot -d webapp/translations --no-fuzzy-matching --no-wrap
