"""Names for the program references the ledger keeps ("bond:3", "grant:7").

The ledger knows programs only by reference; the apps that own them register a function
that names their programs, so pages can show "Programa piloto Chicago 2025" without the
ledger importing those apps.
"""

_namers = {}


def register_program_namer(prefix, namer):
    """namer(pks: set[int] | None) -> {pk: name}; None asks for every program."""
    _namers[prefix] = namer


def program_names(refs=None):
    """{ref: name} for these references (every registered program when refs is None)."""
    wanted = {}
    for ref in refs or ():
        prefix, _sep, pk = ref.partition(":")
        if pk.isdigit():
            wanted.setdefault(prefix, set()).add(int(pk))
    names = {}
    for prefix, namer in _namers.items():
        if refs is not None and prefix not in wanted:
            continue
        for pk, name in namer(wanted.get(prefix)).items():
            names[f"{prefix}:{pk}"] = name
    return names
