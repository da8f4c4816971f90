"""Pure domain rules (stdlib + pypinyin): validation, codes, state machines, tallies.

Import the submodules directly (``from gridworker.domain.idcard import normalize_id_number``);
this package imports nothing eagerly so that ``errors`` stays cheap to load.
"""
