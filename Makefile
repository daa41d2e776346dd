# Clinic Desktop — developer and CI entry points (GNU make).
#
#   make run         install (if needed) and open the app; an empty embedded
#                    database is filled with demo data
#   make test        the whole test suite, Qt on the offscreen platform
#   make bench       the benchmarks (pytest-benchmark), with their tables
#   make soak        the safety-net state machine at 10,000 examples (SOAK_EXAMPLES=…); long,
#                    not part of make test; prints what it did and the holes switched off
#   make screenshot  docs/screenshots/<view>.png of each main view of a demo clinic, rendered offscreen,
#                    and the first page of a signed letter (pdftoppm); SCREENSHOT_SIZE=960x540@2 on that screen,
#                    SCREENSHOT_FONT=14 with the system font at 14 pt, SCREENSHOT_PALETTE=dark in a dark desktop's colours
#   make bundle      the self-contained one-folder app for this OS in dist/ (PyInstaller,
#                    packaging/clinic-desktop.spec); on Linux also dist/clinic-desktop-<version>-linux-<arch>.tar.gz
#   make bundle-test the bundle's smoke test in a clean environment (packaging/bundle_smoke.py;
#                    needs xvfb-run and xdotool); not part of make test
#   make clean       remove the venv and caches

PYTHON ?= python3
VENV = .venv
VENV_PY = $(VENV)/bin/python
STAMP = $(VENV)/.installed

.DEFAULT_GOAL := test

# (Re)install whenever pyproject.toml changes.
$(STAMP): pyproject.toml
	@test -x $(VENV_PY) || $(PYTHON) -m venv $(VENV)
	$(VENV_PY) -m pip install --upgrade pip
	$(VENV_PY) -m pip install -e '.[dev]'
	touch $@

.PHONY: install
install: $(STAMP)

.PHONY: run
run: $(STAMP)
	$(VENV)/bin/clinic-desktop --demo-if-empty

# Mozilla's ical.js, the independent reader of the calendar export in the tests (tests/ical_readers.py),
# pinned by its package-lock.json; npm's cache is kept under build/, so reinstalling needs no network.
ICAL_JS = tests/ical_js/node_modules/.package-lock.json

$(ICAL_JS): tests/ical_js/package-lock.json
	@command -v npm > /dev/null || { echo "error: npm (Node.js) is needed to test the calendar export:" \
		"apt-get install nodejs npm" >&2; exit 1; }
	npm ci --prefix tests/ical_js --cache build/npm-cache --prefer-offline --no-audit --no-fund
	touch $@

.PHONY: test
test: $(STAMP) $(ICAL_JS)
	QT_QPA_PLATFORM=offscreen $(VENV_PY) -m pytest

SOAK_EXAMPLES ?= 10000

.PHONY: soak
soak: $(STAMP)
	SAFETY_NET_EXAMPLES=$(SOAK_EXAMPLES) QT_QPA_PLATFORM=offscreen $(VENV_PY) -m pytest \
		tests/services/episodes/test_safety_net_state_machine.py -p no:randomly -s -q

.PHONY: bench
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(VENV_PY) -m pytest benchmarks --benchmark-enable --benchmark-only -p no:randomly

SCREENSHOT_VIEWS = worklists-manager worklists-reception worklists-clinician open-work referrals-to-write \
	patient-search patient patient-next-reception patient-next-clinician patient-next-manager worklist-filtered \
	appointment-book patient-details patient-contact booking confirmation add-to-waiting-list freed-slot \
	first-contact start-back medication imaging evaluation outcome plan discharge letter sign-letter letter-batch \
	lock dashboard audit administration import-patients export-calendar deactivate-user export-every-record \
	sign-in backup-check-progress reminders messages-settings clinic-day book-week review-choice move-booking \
	sessions-and-leave add-leave leave-over-bookings letterhead

# The demo clinic the pictures are taken of, with its backups and letters: all removed afterwards.
SCREENSHOT_CLINIC = .screenshot-clinic

.PHONY: screenshot
screenshot: $(STAMP)
	mkdir -p docs/screenshots
	rm -rf $(SCREENSHOT_CLINIC) && mkdir -p $(SCREENSHOT_CLINIC)/letters
	$(VENV)/bin/clinic-desktop --database $(SCREENSHOT_CLINIC)/clinic.sqlite3 demo > /dev/null
	for view in $(SCREENSHOT_VIEWS); do \
		QT_QPA_PLATFORM=offscreen $(VENV)/bin/clinic-desktop --database $(SCREENSHOT_CLINIC)/clinic.sqlite3 \
			--screenshot docs/screenshots/$$view.png --view $$view $(if $(SCREENSHOT_SIZE),--size $(SCREENSHOT_SIZE)) \
			$(if $(SCREENSHOT_FONT),--font-size $(SCREENSHOT_FONT)) $(if $(SCREENSHOT_PALETTE),--palette $(SCREENSHOT_PALETTE)) \
			|| exit 1; \
	done
	$(VENV)/bin/clinic-desktop --database $(SCREENSHOT_CLINIC)/clinic.sqlite3 letters export --signed-unsent $(SCREENSHOT_CLINIC)/letters
	pdftoppm -r 80 -png -f 1 -l 1 -singlefile "$$(ls $(SCREENSHOT_CLINIC)/letters/*_v2.pdf | head -n 1)" docs/screenshots/letter-page
	rm -rf $(SCREENSHOT_CLINIC)

# PyInstaller is the bundle's alone: an optional extra, installed on top of the dev set-up.
BUNDLE_STAMP = $(VENV)/.bundle-installed
BUNDLE = dist/clinic-desktop
VERSION = $(shell sed -n 's/^__version__ = "\(.*\)".*/\1/p' clinic_desktop/__init__.py)
TARBALL = dist/clinic-desktop-$(VERSION)-linux-$(shell uname -m).tar.gz
LINUX_STAGE = build/bundle-linux

$(BUNDLE_STAMP): $(STAMP)
	$(VENV_PY) -m pip install -e '.[dev,bundle]'
	touch $@

# The Linux .tar.gz unpacks to clinic-desktop/ (for /opt): the folder, its .desktop file and icon.
.PHONY: bundle
bundle: $(BUNDLE_STAMP)
	rm -rf $(BUNDLE) build/bundle $(LINUX_STAGE) dist/clinic-desktop-*.tar.gz
	@started=$$(date +%s); \
	$(VENV_PY) -m PyInstaller --noconfirm --log-level WARN --distpath dist --workpath build/bundle \
		packaging/clinic-desktop.spec || exit 1; \
	echo "Built $(BUNDLE) in $$(( $$(date +%s) - started )) s: $$(du -sh $(BUNDLE) | cut -f1)"
	@if [ "$$(uname -s)" = Linux ]; then \
		mkdir -p $(LINUX_STAGE) && cp -a $(BUNDLE) $(LINUX_STAGE)/clinic-desktop && \
		cp packaging/linux/clinic-desktop.desktop clinic_desktop/resources/clinic-desktop.png \
			$(LINUX_STAGE)/clinic-desktop/ && \
		tar -C $(LINUX_STAGE) --sort=name --owner=0 --group=0 --numeric-owner -czf $(TARBALL) clinic-desktop && \
		echo "Packed $(TARBALL): $$(du -h $(TARBALL) | cut -f1)"; \
	fi

.PHONY: bundle-test
bundle-test: $(BUNDLE_STAMP)
	$(VENV_PY) packaging/bundle_smoke.py $(if $(filter Linux,$(shell uname -s)),$(TARBALL),$(BUNDLE)) \
		--views $(SCREENSHOT_VIEWS)

.PHONY: clean
clean:
	rm -rf $(VENV) .pytest_cache .benchmarks .hypothesis .bench-data build dist *.egg-info tests/ical_js/node_modules
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
