"""Questions in and out of the application: bank YAML, GIFT, Moodle XML and Aiken.

The formats are listed here, for the command line and the browser's transfer page alike.
"""
from __future__ import annotations

from .aiken import export_aiken
from .bankyaml import export_bank
from .gift import export_gift
from .moodlexml import export_moodle_xml

EXPORTERS = {"yaml": export_bank, "gift": export_gift, "moodle-xml": export_moodle_xml,
             "aiken": export_aiken}
EXPORT_FORMATS = tuple(EXPORTERS)
IMPORT_FORMATS = ("gift", "aiken", "moodle-xml")


def export_questions(fmt: str, document):
    """The questions citing ``document`` written in ``fmt``, one of EXPORT_FORMATS."""
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown export format '{fmt}'")
    return EXPORTERS[fmt](document)
