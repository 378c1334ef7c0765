"""Read documents and question banks from the ``questions/`` folder and check them.

Everything here is pure reading and checking: nothing touches the database. Each
problem becomes a BankError naming the file, the line, the question or quiz and the
field. The modules, by concern:

- ``specs``: what reading produces (the specs, ``Library``, ``BankError``);
- ``documents``: one document's folder (``document.yaml`` and its source text);
- ``questions``: question entries, their types' fields and their citations;
- ``quizzes``: quiz entries and their selections;
- ``library``: a folder of documents and bank files, and the checks across banks.

YAML with line numbers is ``quiz.yamlines``.
"""
from .documents import inside, read_document
from .library import (
    MAX_BANK_BYTES,
    NotALibrary,
    in_document_order,
    parse_bank,
    read_library,
    read_path,
)
from .questions import BANK_STATUSES, COMMON_FIELDS, QuestionChecker
from .quizzes import SELECT_RULES, check_quiz, quiz_pool
from .specs import (
    DOCUMENT_FILE,
    ID_PATTERN,
    MAX_TITLE,
    BankError,
    CitationSpec,
    DocumentSpec,
    Library,
    QuestionSpec,
    QuizSpec,
    field_parts,
)

__all__ = [
    "BANK_STATUSES", "COMMON_FIELDS", "DOCUMENT_FILE", "ID_PATTERN", "MAX_BANK_BYTES",
    "MAX_TITLE", "SELECT_RULES", "BankError", "CitationSpec", "DocumentSpec", "Library",
    "NotALibrary", "QuestionChecker", "QuestionSpec", "QuizSpec", "check_quiz",
    "field_parts", "in_document_order", "inside", "parse_bank", "quiz_pool", "read_document",
    "read_library", "read_path",
]
