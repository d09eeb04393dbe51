# webtwin — `make demo` and `make test` are all a fresh machine needs (Python 3.11+).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help install install-chromium demo test test-fast serve bench bench-browser lint clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

install: $(STAMP)  ## create .venv and install webtwin with the dev tools, Ray, Playwright and a Chromium

$(STAMP): pyproject.toml setup.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,ray,browser]'
	$(MAKE) install-chromium
	touch $(STAMP)

# Debian's Chromium (and fixed fonts, for identical screenshots) where apt-get is there and
# Playwright cannot download a browser; Playwright's own Chromium elsewhere.
CHROMIUM_FONTS := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
install-chromium:  ## the Chromium that browser mode drives
	@missing=""; for f in /usr/bin/chromium $(CHROMIUM_FONTS); do [ -e $$f ] || missing="$$missing $$f"; done; \
	if [ -z "$$missing" ]; then echo "Chromium and fonts present: /usr/bin/chromium"; \
	elif command -v apt-get >/dev/null 2>&1; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -q && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-color-emoji fonts-dejavu-core; \
	else $(BIN)/python -m playwright install chromium; fi

demo: install  ## parallel rollout over every text env with the oracle and random policies
	$(BIN)/webtwin rollout --policy oracle --episodes 48 --num-envs 2 --out runs/demo-oracle --overwrite
	$(BIN)/webtwin rollout --policy random --episodes 48 --num-envs 2 --out runs/demo-random --overwrite

test: install  ## the whole suite
	$(BIN)/python -m pytest

test-fast: install  ## the suite without the slow sweeps
	$(BIN)/python -m pytest -m "not slow"

serve: install  ## serve every site at http://mail.localhost:8000 (demo world)
	$(BIN)/webtwin serve --port 8000

bench: install  ## measure restore, reset, step, throughput and memory
	$(BIN)/python bench/run.py

bench-browser: install  ## browser mode: reset, step, concurrency, memory, vs relaunch-on-reset
	$(BIN)/python bench/browser.py

lint: install  ## ruff and mypy
	$(BIN)/ruff check .
	$(BIN)/mypy simulators envs seeds --exclude '/tests/'

clean:
	rm -rf $(VENV) runs build *.egg-info
