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
        .languages, .sections { display: flex; gap: .8rem; }
        .sections { margin-right: auto; margin-left: 1.5rem; flex-wrap: wrap; gap: .3rem .8rem; }
        ul.counts { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .4rem .9rem; }
        span.flag { white-space: nowrap; font-weight: 600; color: var(--accent); }
        td.detail dl.terms { font-size: .82rem; }
        .languages [aria-current] { font-weight: 600; }
        a { color: #1f5f9c; }
        main { padding: 1rem 1.2rem 3rem; max-width: 80rem; margin: 0 auto; }
        h1 { font-size: 1.4rem; margin: .4rem 0 .2rem; }
        .meta { color: var(--muted); margin-top: 0; }
        table { border-collapse: collapse; width: 100%; background: #fff; }
        th, td { padding: .45rem .6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
        thead th { font-size: .85rem; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); }
        thead th, .id, .day, td code, td.signature { white-space: nowrap; }
        .number { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
        meter { display: block; width: 100%; min-width: 4rem; height: .5rem; margin-top: .2rem; }
        .crumbs { margin: 0 0 .2rem; font-size: .9rem; }
        .legend { color: var(--muted); font-size: .9rem; }
        .error { padding: .6rem .8rem; background: #fff; border-left: 4px solid var(--accent); }
        section.version { background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: .2rem 1rem .6rem; margin: 1rem 0; }
        section.version h2 { font-size: 1.1rem; margin: .6rem 0 0; }
        ol.clauses { list-style: none; padding: 0; margin: .4rem 0 0; }
        li.clause { border-top: 1px solid var(--line); padding: .5rem 0; }
        li.clause p { margin: .2rem 0; }
        .clause-id { font-weight: 600; margin-right: .6rem; }
        .modality { color: var(--muted); margin-right: .6rem; }
        .note { font-size: .8rem; padding: .05rem .4rem; border-radius: 3px; background: #eef3e6; color: #2f5a17; }
        li.removed .note { background: #f8e9e6; color: var(--accent); }
        del { color: var(--accent); background: #f8e9e6; text-decoration: line-through; }
        ins { color: #2f5a17; background: #eef3e6; text-decoration: underline; }
        dl.terms { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; margin: .3rem 0 0; font-size: .9rem; }
        dl.terms dt { color: var(--muted); }
        dl.terms dd { margin: 0; }
        .signature.good { color: #2f5a17; }
        .signature.bad, .signature.unsigned, .signature.unknown-key { color: var(--accent); font-weight: 600; }
        .scroll { overflow-x: auto; }
        table.matrix th, table.matrix td { padding: .3rem .45rem; font-size: .88rem; }
        table.matrix td.cell { min-width: 5.5rem; }
        td.cell .class { display: block; font-weight: 600; }
        td.cell .progress { display: block; color: var(--muted); font-size: .8rem; }
        td.cell.faithful { background: #eef3e6; } td.cell.reworded { background: #f3f6ea; }
        td.cell.weakened, td.cell.omitted { background: #f8e9e6; } td.cell.strengthened { background: #fdf1dc; }
        td.cell.mixed { background: #f6ecf4; }
        td.adoption.not-adopted { color: var(--accent); font-weight: 600; }
        form.filters { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: end; margin: 1rem 0 .4rem; }
        form.filters label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); gap: .15rem; }
        form.filters select, form.filters input, form.filters button { font: inherit; padding: .25rem .4rem; }
        nav.pager { display: flex; gap: 1rem; margin: .8rem 0; }
        section.rollup h2 { font-size: 1.05rem; }
        table.sidebyside td.basis, table.sidebyside td.plan { width: 36%; }
        table.sidebyside td.verdict { width: 22%; }
        tr.reading.weakened td.verdict .class, tr.reading.omitted td.verdict .class { color: var(--accent); font-weight: 600; }
        tr.reading.strengthened td.verdict .class { color: #8a5a00; font-weight: 600; }
        ul.changes { margin: .2rem 0 0; padding-left: 1rem; font-size: .82rem; }
        li.effect.looser { color: var(--accent); } li.effect.tighter { color: #8a5a00; }
        .who { display: flex; align-items: center; gap: .4rem; font-size: .9rem; }
        .who button { font: inherit; padding: .1rem .5rem; }
        [hidden] { display: none !important; }
        p.actions a { display: inline-block; padding: .3rem .8rem; border: 1px solid var(--line); border-radius: 4px; background: #fff; text-decoration: none; }
        form.write { max-width: 44rem; background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: .4rem 1.2rem 1rem; }
        form.write label { display: flex; flex-direction: column; gap: .2rem; margin: .7rem 0; font-size: .9rem; color: var(--muted); }
        form.write input, form.write select, form.write textarea, form.write button { font: inherit; color: var(--ink); padding: .35rem .5rem; max-width: 100%; }
        form.write > label > input, form.write > label > select, form.write > label > textarea, form.write fieldset[data-luoshi-key] input { width: 100%; min-width: 0; }
        form.write, .clause-detail { overflow-wrap: anywhere; }
        form.write fieldset { min-width: 0; border: 1px solid var(--line); border-radius: 4px; margin: .8rem 0; }
        form.write fieldset label { flex-direction: row; flex-wrap: wrap; align-items: center; gap: .5rem; }
        form.write button[type=submit] { background: var(--accent); color: #fff; border: 0; border-radius: 4px; padding: .5rem 1.1rem; cursor: pointer; }
        form.write button[disabled] { opacity: .55; cursor: wait; }
        section.finding { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--muted); border-radius: 4px;
          padding: .2rem 1rem .5rem; margin: .8rem 0; overflow-wrap: anywhere; }
        section.finding.open, section.finding.reopened { border-left-color: var(--accent); }
        section.finding.rectified { border-left-color: #8a5a00; } section.finding.closed { border-left-color: #2f5a17; }
        section.finding h2 { font-size: 1.05rem; margin: .5rem 0 .2rem; }
        section.finding .overdue { color: var(--accent); }
        ol.steps { margin: .3rem 0; padding-left: 1.4rem; font-size: .9rem; }
        table.burden tr.over th, table.burden tr.over td.total { color: var(--accent); font-weight: 600; }
        form.write.sheet { max-width: 60rem; }
        table.sheet { margin: .6rem 0; font-size: .9rem; }
        table.sheet tr.problem td { color: var(--accent); } table.sheet tr.landed td { color: #2f5a17; }
        ol.ladder, ol.timeline { background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: .5rem 1rem .5rem 2.2rem; }
        ol.ladder li, ol.timeline li { margin: .2rem 0; }
        form.write.plan { max-width: none; }
        section.plan-clause { border-top: 1px solid var(--line); padding: .4rem 0 .8rem; }
        section.plan-clause h2 { font-size: 1.05rem; margin: .5rem 0; }
        section.plan-clause h3 { font-size: .85rem; color: var(--muted); margin: 0 0 .3rem; font-weight: 600; }
        section.plan-clause .pair { display: grid; grid-template-columns: 1fr 1.3fr 1fr; gap: 1rem; }
        section.plan-clause .edit label { margin: .4rem 0; }
        section.plan-clause .edit textarea, section.plan-clause .edit select { width: 100%; }
        section.plan-clause label.target { flex-direction: row; align-items: center; gap: .4rem; flex-wrap: wrap; }
        section.plan-clause label.target input { width: 7rem; }
        section.plan-clause .edit label.target select { width: auto; }
        section.plan-clause label.inline { flex-direction: row; align-items: center; gap: .4rem; }
        section.plan-clause .reading .class { font-weight: 600; }
        section.plan-clause[data-reading=weakened] .reading .class, section.plan-clause[data-reading=omitted] .reading .class { color: var(--accent); }
        section.plan-clause[data-reading=strengthened] .reading .class { color: #8a5a00; }
        [data-preview-status].error { color: var(--accent); }
        label.needed { color: var(--accent); font-weight: 600; }
        label.needed textarea { border-color: var(--accent); }
        p.reason { margin: .3rem 0 0; font-size: .92em; color: var(--muted); }
        @media (max-width: 900px) { section.plan-clause .pair { grid-template-columns: 1fr; } }
        .clause-detail { border-left: 3px solid var(--line); padding: .1rem .8rem; margin: .4rem 0; }
        .outcome { padding: .5rem .8rem; border-left: 4px solid var(--muted); background: var(--paper); }
        .outcome.error { border-left-color: var(--accent); color: var(--accent); }
        .outcome.done { border-left-color: #2f5a17; color: #2f5a17; }
        code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: .9em; }
        @media (max-width: 700px) {
          .bar .sections { order: 3; width: 100%; margin: 0; }
          table.sidebyside thead { display: none; }
          table.sidebyside tr { display: block; border-bottom: 1px solid var(--line); padding: .4rem 0; }
          table.sidebyside th, table.sidebyside td { display: block; width: auto !important; border: 0; padding: .15rem .6rem; }
          table.sidebyside td code, ul.changes li { white-space: normal; overflow-wrap: anywhere; }
          table.directives thead { display: none; }
          table.directives tr { display: block; padding: .5rem 0; border-bottom: 1px solid var(--line); }
          table.directives th, table.directives td { display: block; border: 0; padding: .1rem .6rem; text-align: left; }
          table.directives td[data-label]::before { content: attr(data-label) "："; color: var(--muted); font-size: .85rem; }
          html:lang(en) table.directives td[data-label]::before { content: attr(data-label) ": "; }
          table.directives td.number meter { display: inline-block; width: 6rem; vertical-align: middle; margin: 0 0 0 .5rem; }
        }
        """
}
