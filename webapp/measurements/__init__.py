"""What the technician measures and carries beside the fault-finding trees (issue 21 item 6).

The readings themselves (optical power with its method and wavelength, the splitter-port power,
the speed test, the FTTB port-test method) are steps of a run and are checked by the playbook
engine (webapp/playbooks/engine.py); this package holds the rest: the tool checklist at the
start of a visit (domain reference §9.6 item 33, `tools.json`, `tools.py`) and the captures
attached to slow-speed runs (§2.3 S2.2/S2.4, §9.1 item 6; `captures.py`), with their sync
mutations (`mutations.py`, registered in webapp/sync/mutations.py).
"""
