/// The style sheet of every page, served from `WebController.stylesheetPath` (the pages' policy
/// allows no inline style). System fonts, with the CJK ones named for Chinese text.
enum WebStyle {
    static let sheet = """
        :root { --ink: #1d2733; --muted: #5b6b7c; --line: #d8dee6; --accent: #9c2f1f; --paper: #fbfaf7; }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--paper); color: var(--ink);
          font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }
        .bar { display: flex; align-items: center; justify-content: space-between; gap: 1rem; flex-wrap: wrap;
          padding: .6rem 1.2rem; background: #fff; border-bottom: 3px solid var(--accent); }
        .product { color: var(--ink); font-weight: 600; text-decoration: none; }
        .languages { display: flex; gap: .8rem; }
        .languages [aria-current] { font-weight: 600; }
        a { color: #1f5f9c; }
        main { padding: 1rem 1.2rem 3rem; max-width: 80rem; margin: 0 auto; }
        h1 { font-size: 1.4rem; margin: .4rem 0 .2rem; }
        .meta { color: var(--muted); margin-top: 0; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { padding: .45rem .6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
        thead th { font-size: .85rem; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); }
        thead th, .id, .day, td code { white-space: nowrap; }
        .number { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
        meter { display: block; width: 100%; min-width: 4rem; height: .5rem; margin-top: .2rem; }
        code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .9em; }
        @media (max-width: 700px) {
          table.directives thead { display: none; }
          table.directives tr { display: block; padding: .5rem 0; border-bottom: 1px solid var(--line); }
          table.directives th, table.directives td { display: block; border: 0; padding: .1rem .6rem; text-align: left; }
          table.directives td[data-label]::before { content: attr(data-label) "："; color: var(--muted); font-size: .85rem; }
          html:lang(en) table.directives td[data-label]::before { content: attr(data-label) ": "; }
          table.directives td.number meter { display: inline-block; width: 6rem; vertical-align: middle; margin: 0 0 0 .5rem; }
        }
        """
}
