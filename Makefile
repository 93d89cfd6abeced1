# KL Divergence vs. Cross-Entropy in Practice: one-command set-up, build and test.
# Needs only Python >= 3.11 (with venv) and make; everything else comes from requirements.txt.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.requirements-installed
JB     := $(BIN)/jupyter-book
JBFLAGS := -W -n --keep-going
CHAPTERS := $(sort $(wildcard chapters/*.ipynb))
# KaTeX's stylesheet and fonts for the math rendered at build time (code/_ext/offline_katex.py),
# from the npm registry at the version pinned in code/_ext/katex/package-lock.json.
KATEX_DIR := code/_ext/katex
KATEX    := $(KATEX_DIR)/node_modules/katex/dist/katex.min.css
# The framework tier: real PyTorch, scikit-learn, Keras and Stable-Baselines3 in their own environment.
FW_VENV  := .venv-frameworks
FW_BIN   := $(FW_VENV)/bin
FW_STAMP := $(FW_VENV)/.requirements-installed

.PHONY: help book book-student course pdf test test-fast test-frameworks lint format execute lab bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

$(KATEX): $(KATEX_DIR)/package-lock.json
	@command -v node >/dev/null && command -v npm >/dev/null || { echo "Node.js and npm are needed to render the math at build time (README, Prerequisites). Debian: sudo apt-get install nodejs npm" >&2; exit 1; }
	npm ci --prefix $(KATEX_DIR) --no-audit --no-fund --loglevel=error
	touch $(KATEX)

book: $(STAMP) $(KATEX)  ## build the HTML site into _build/html (fails on any warning)
	$(JB) build . $(JBFLAGS)
	@echo "Open _build/html/index.html"

# The student site is the book built with a derived config (code/_ext/derived_config.py), written
# to $(STUDENT_DIR): the same _config.yml with sphinx-exercise's hide_solutions on, and without the
# copied sources (a chapter's .ipynb holds its solutions). STUDENT_DIR can be overridden.
book-student: STUDENT_DIR ?= _build/student
book-student: $(STAMP) $(KATEX)  ## build the site without solutions into _build/student/html
	mkdir -p $(STUDENT_DIR)
	$(BIN)/python code/_ext/derived_config.py --student > $(STUDENT_DIR)/_config.yml
	$(JB) build . $(JBFLAGS) --config $(STUDENT_DIR)/_config.yml --path-output $(STUDENT_DIR)
	rm -rf $(STUDENT_DIR)/html && mv $(STUDENT_DIR)/_build/html $(STUDENT_DIR)/html
	@echo "Open $(STUDENT_DIR)/html/index.html"

# The instructor's bundle in $(COURSE_DIR): the site and the student site, each offering its PDFs
# in the download menu, the book PDF and the student PDF (both need TeX, see README).
COURSE_DIR ?= _build/course
PDF_NAME   := kl-vs-cross-entropy
LATEX      := LATEXMKOPTS="-interaction=nonstopmode -halt-on-error"
course: $(STAMP) $(KATEX)  ## the course bundle: site, student site, book PDF, student PDF
	rm -rf $(COURSE_DIR) && mkdir -p $(COURSE_DIR)/.work
	$(BIN)/python code/_ext/derived_config.py \
	  --downloads "Book (PDF)=downloads/$(PDF_NAME).pdf" \
	  "Student edition (PDF)=downloads/$(PDF_NAME)-student.pdf" \
	  "Student edition (website)=student/intro.html" > $(COURSE_DIR)/.work/book.yml
	$(BIN)/python code/_ext/derived_config.py --student \
	  --downloads "Student edition (PDF)=downloads/$(PDF_NAME)-student.pdf" > $(COURSE_DIR)/.work/student.yml
	$(JB) build . $(JBFLAGS) --config $(COURSE_DIR)/.work/book.yml --path-output $(COURSE_DIR)/.work/book
	$(JB) build . $(JBFLAGS) --config $(COURSE_DIR)/.work/student.yml --path-output $(COURSE_DIR)/.work/student
	$(LATEX) $(JB) build . $(JBFLAGS) --builder pdflatex --path-output $(COURSE_DIR)/.work/book
	$(LATEX) $(JB) build . $(JBFLAGS) --builder pdflatex --config $(COURSE_DIR)/.work/student.yml \
	  --path-output $(COURSE_DIR)/.work/student
	mv $(COURSE_DIR)/.work/book/_build/html $(COURSE_DIR)/site
	mv $(COURSE_DIR)/.work/student/_build/html $(COURSE_DIR)/site/student
	cp $(COURSE_DIR)/.work/book/_build/latex/$(PDF_NAME).pdf $(COURSE_DIR)/$(PDF_NAME).pdf
	cp $(COURSE_DIR)/.work/student/_build/latex/$(PDF_NAME).pdf $(COURSE_DIR)/$(PDF_NAME)-student.pdf
	mkdir -p $(COURSE_DIR)/site/downloads $(COURSE_DIR)/site/student/downloads
	cp $(COURSE_DIR)/$(PDF_NAME).pdf $(COURSE_DIR)/$(PDF_NAME)-student.pdf $(COURSE_DIR)/site/downloads/
	cp $(COURSE_DIR)/$(PDF_NAME)-student.pdf $(COURSE_DIR)/site/student/downloads/
	rm -rf $(COURSE_DIR)/.work
	@echo "The course bundle is in $(COURSE_DIR): site/ (student edition in site/student/), two PDFs"

# TeX stops at the first error instead of waiting for input; latexmk runs xelatex until stable.
pdf: $(STAMP)  ## build the whole book as one PDF in _build/latex/ (needs TeX, see README)
	LATEXMKOPTS="-interaction=nonstopmode -halt-on-error" $(JB) build . $(JBFLAGS) --builder pdflatex
	@ls _build/latex/*.pdf

test: $(STAMP) $(KATEX)  ## run every test: library, doctests, notebooks (nbval), lint, book build, site
	$(BIN)/python -m pytest

# Without the notebooks: nbval alone takes over 90 s on two cores; `make test` runs them.
test-fast: $(STAMP)  ## library, doctests and static book checks, without executing notebooks (< 90 s)
	$(BIN)/python -m pytest -m "not slow" code tests

$(FW_STAMP): requirements-frameworks.txt pyproject.toml
	test -x $(FW_BIN)/python || $(PYTHON) -m venv $(FW_VENV)
	$(FW_BIN)/python -m pip install --quiet -r requirements-frameworks.txt
	touch $(FW_STAMP)

# Its own addopts: the main ones load nbval, which this environment does not have. Libraries that
# are missing make the tier fail, never skip (tests/frameworks/conftest.py).
test-frameworks: $(FW_STAMP)  ## check the book's claims about PyTorch, scikit-learn, Keras, SB3 (own venv)
	KERAS_BACKEND=jax $(FW_BIN)/python -m pytest tests/frameworks \
	  -o addopts="" -ra --strict-markers -p no:cacheprovider

lint: $(STAMP)  ## ruff check and format check over code, tests and notebooks
	$(BIN)/ruff check code tests benchmarks chapters
	$(BIN)/ruff format --check code tests benchmarks chapters

format: $(STAMP)  ## apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix code tests benchmarks chapters
	$(BIN)/ruff format code tests benchmarks chapters

execute: $(STAMP)  ## re-run every chapter in place, in order, in a fresh kernel each
	$(BIN)/jupyter nbconvert --to notebook --execute --inplace \
	  --ExecutePreprocessor.record_timing=False --ExecutePreprocessor.timeout=120 $(CHAPTERS)

lab: $(STAMP)  ## open JupyterLab on the chapters with the project's environment
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) chapters/

bench: $(STAMP)  ## time and check the accuracy of klce.kl_divergence against scipy
	$(BIN)/python -m benchmarks.bench_klce

clean:  ## remove build outputs (keeps .venv)
	rm -rf _build .pytest_cache .hypothesis .ruff_cache
	find . -name __pycache__ -not -path './.venv/*' -prune -exec rm -rf {} +
