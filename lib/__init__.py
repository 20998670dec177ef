"""County education dashboard: all logic, in domain packages on a core.

Wings (arrows run one way: pages -> ui/loaders -> overview -> ops -> domains -> present -> core):

* :mod:`lib.core`: config, schema, store, scope, ids, geo, fmt, i18n, permissions, audit,
  settings, calendar, places, errors: what every wing stands on;
* :mod:`lib.present`: charts, maps, reports and the shared cards and palette;
* domains: :mod:`lib.ingest`, :mod:`lib.dropout`, :mod:`lib.aid`, :mod:`lib.roster`,
  :mod:`lib.risk`, :mod:`lib.layout`;
* :mod:`lib.access` (accounts, tokens, the audit view), :mod:`lib.ops` (backup, rollover,
  retention, health), :mod:`lib.overview` (metrics, briefing, todo);
* apart: :mod:`lib.demo` (the synthetic county), :mod:`lib.ui` and :mod:`lib.loaders`
  (the only streamlit), :mod:`lib.cli` and :mod:`lib.commands`; :mod:`lib.geo` re-exports
  the coordinate converters (a contract).
"""
