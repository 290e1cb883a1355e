"""Reads the strings marked for translation straight from the source, and the .po catalogues, with no gettext tools.

So the check runs anywhere the tests run, and catches a string added without `make messages` being run.
"""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import templatize

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "locale"
TRANSLATED = ("pl", "ur")

# What a family reads: the request form, the portal, and the shared pages they pass through (the page frame, sign-in
# and password pages, invitations, their messages, error pages, form fields and their messages, the list of
# languages). A folder ends with "/"; "module.py::Name" is one class of a module that also holds staff-only wording.
FAMILY_FACING = (
    "forms_ersa/",
    "templates/forms_ersa/",
    "portal/",
    "templates/portal/",
    "templates/base.html",
    "templates/errors/",
    "templates/registration/",
    "templates/includes/",
    "templates/forms/",
    "templates/pages/start.html",
    "templates/pages/accessibility.html",
    "templates/pages/privacy.html",
    "templates/accounts/invitation_accept.html",
    "templates/accounts/invitation_account_exists.html",
    "templates/accounts/invitation_unusable.html",
    "templates/accounts/session_ended.html",
    "templates/accounts/locked_out.html",
    "templates/accounts/contact_preferences.html",
    "templates/notifications/pages/list.html",
    "templates/notifications/pages/detail.html",
    "templates/cases/family_case_list.html",
    "templates/cases/_family_next_step.html",
    # Only the forms a family fills in, from a module that also holds staff forms.
    "accounts/forms.py::EmailAuthenticationForm",
    "accounts/forms.py::PasswordResetRequestForm",
    "accounts/forms.py::_NewPasswordMixin",
    "accounts/forms.py::NewPasswordForm",
    "accounts/forms.py::ChangePasswordForm",
    "accounts/forms.py::AcceptInvitationForm",
    "accounts/forms.py::ContactPreferencesForm",
    "core/forms.py",
    "core/validators.py",
    "core/languages.py",
)
# Inside those, what only developers and staff read: the API's wording for other systems, the support admin.
NOT_FAMILY_FACING = (
    "forms_ersa/api.py",
    "forms_ersa/admin.py",
    "forms_ersa/management/",
    "forms_ersa/migrations/",
    "portal/api.py",
    "portal/admin.py",
    "portal/management/",
    "portal/migrations/",
)

# The calls makemessages reads (xgettext's Python keywords plus Django's): name -> (context arg, singular, plural).
KEYWORDS = {
    "_": (None, 0, None),
    "gettext": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}
# templatize writes each string as Python's repr does: in single quotes, or double quotes when it holds a "'".
_PY_STRING = r"""u(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
TEMPLATE_CALL = re.compile(rf"\b(gettext|ngettext|pgettext|npgettext)\(((?:\s*{_PY_STRING}\s*,?)+)")
LITERAL = re.compile(_PY_STRING)


@dataclass(frozen=True)
class Marked:
    context: str | None
    msgid: str
    plural: str | None
    where: str


def family_facing_files() -> list[Path]:
    files = []
    for entry in FAMILY_FACING:
        if "::" in entry:
            continue
        path = ROOT / entry
        if entry.endswith("/"):
            if path.is_dir():
                files += [p for p in sorted(path.rglob("*")) if p.suffix in {".py", ".html", ".txt"}]
        elif path.exists():
            files.append(path)
    return [p for p in files if not str(p.relative_to(ROOT)).startswith(NOT_FAMILY_FACING)]


def _argument(call: ast.Call, index: int | None) -> str | None:
    if index is None or index >= len(call.args):
        return None
    arg = call.args[index]
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


def _from_python(path: Path, where: str, only: set[str] | None = None) -> list[Marked]:
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name in only] if only else [tree]
    if only and len(roots) != len(only):
        raise LookupError(f"{where} has no class named {sorted(only - {n.name for n in roots})}")
    for node in (child for root in roots for child in ast.walk(root)):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in KEYWORDS:
            continue
        context_at, singular_at, plural_at = KEYWORDS[name]

        msgid = _argument(node, singular_at)
        if msgid:
            found.append(Marked(_argument(node, context_at), msgid, _argument(node, plural_at), where))
    return found


def _from_template(path: Path, where: str) -> list[Marked]:
    found = []
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for match in TEMPLATE_CALL.finditer(code):
        kind = match.group(1)
        texts = [ast.literal_eval(literal) for literal in LITERAL.findall(match.group(2))]
        context = texts.pop(0) if kind.startswith(("pgettext", "npgettext")) else None
        plural = texts[1] if kind in {"ngettext", "npgettext"} and len(texts) > 1 else None
        if texts and texts[0]:
            found.append(Marked(context, texts[0], plural, where))
    return found


def marked_strings(files: list[Path] | None = None) -> list[Marked]:
    found = []
    for path in family_facing_files() if files is None else files:
        where = str(path.relative_to(ROOT))
        found += _from_python(path, where) if path.suffix == ".py" else _from_template(path, where)
    if files is None:
        classes: dict[str, set[str]] = {}
        for entry in FAMILY_FACING:
            if "::" in entry:
                module, name = entry.split("::")
                classes.setdefault(module, set()).add(name)
        for module, names in classes.items():
            found += _from_python(ROOT / module, f"{module} ({', '.join(sorted(names))})", only=names)
    return found


@dataclass
class Entry:
    context: str | None = None
    msgid: str = ""
    plural: str | None = None
    msgstr: dict = field(default_factory=dict)
    fuzzy: bool = False

    @property
    def translated(self) -> bool:
        return not self.fuzzy and bool(self.msgstr) and all(text.strip() for text in self.msgstr.values())


def _unquote(line: str) -> str:
    return ast.literal_eval(line.strip())


def read_po(path: Path) -> tuple[str, dict]:
    """(header, {(context, msgid): Entry}) from a .po file; obsolete (#~) entries are left out."""
    entries, header = {}, ""
    entry, key = Entry(), None

    def finish():
        nonlocal entry, header
        if key is not None:
            if entry.msgid == "" and entry.context is None:
                header = entry.msgstr.get(0, "")
            else:
                entries[(entry.context, entry.msgid)] = entry
        entry = Entry()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            key = None
            continue
        if line.startswith("#,") and "fuzzy" in line:
            entry.fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            key = "context"
            entry.context = _unquote(line[8:])
        elif line.startswith("msgid_plural "):
            key = "plural"
            entry.plural = _unquote(line[13:])
        elif line.startswith("msgid "):
            key = "msgid"
            entry.msgid = _unquote(line[6:])
        elif line.startswith("msgstr["):
            index = int(line[7 : line.index("]")])
            key = ("msgstr", index)
            entry.msgstr[index] = _unquote(line[line.index("]") + 1 :])
        elif line.startswith("msgstr "):
            key = ("msgstr", 0)
            entry.msgstr[0] = _unquote(line[7:])
        elif line.startswith('"'):
            if key == "context":
                entry.context += _unquote(line)
            elif key == "plural":
                entry.plural += _unquote(line)
            elif key == "msgid":
                entry.msgid += _unquote(line)
            elif isinstance(key, tuple):
                entry.msgstr[key[1]] += _unquote(line)
    finish()
    return header, entries


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"
