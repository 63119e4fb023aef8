"""Render time per document: `core.pdf.render_pdf` against bare WeasyPrint on the same HTML.

Run from the project root:  .venv/bin/python benchmarks/pdf.py [--runs 15] [--rows 40]

"bare" is `HTML(string=html, base_url=static).write_pdf(pdf_variant="pdf/a-3a")` with
WeasyPrint's default fetcher; "render_pdf" adds the Django template, the translation
override, our static-only fetcher and a fresh FontConfiguration. Goal: ratio <= 1.2.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")


def median_seconds(funcs, runs):
    """Time each function `runs` times, interleaved so machine noise hits all alike."""
    for func in funcs.values():
        func()  # warm-up: imports, font loading, template compilation
    times = {name: [] for name in funcs}
    for _ in range(runs):
        for name, func in funcs.items():
            start = time.perf_counter()
            func()
            times[name].append(time.perf_counter() - start)
    return {name: (statistics.median(t), min(t), max(t)) for name, t in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rows", type=int, default=40)
    args = parser.parse_args()

    import django

    django.setup()
    from weasyprint import HTML
    from weasyprint.urls import path2url

    from core.pdf import PDF_VARIANT, render_pdf, render_pdf_html, static_root

    context = {
        "body": "Autorización de fianza — señora Núñez, con domicilio en Peñasco.",
        "rows": [(f"Concepto {i} — línea", f"${i * 125:,}.00") for i in range(args.rows)],
        "document_number": "FZ-2026-000001",
        "verification_code": "ABCD234XYZ",
    }
    params = {"language": "es", "title": "Autorización de fianza"}
    html = render_pdf_html("pdf/specimen.html", context, **params)
    base_url = path2url(static_root())

    def bare():
        return HTML(string=html, base_url=base_url).write_pdf(pdf_variant=PDF_VARIANT)

    def ours():
        return render_pdf("pdf/specimen.html", context, **params)

    def bare_plain():
        return HTML(string=html, base_url=base_url).write_pdf()

    results = median_seconds(
        {
            "bare WeasyPrint (pdf/a-3a)": bare,
            "render_pdf (template + fetcher + pdf/a-3a)": ours,
            "bare WeasyPrint (no variant, untagged)": bare_plain,
        },
        args.runs,
    )
    print(f"{args.runs} runs each, {args.rows} table rows, {len(ours()):,} bytes per PDF")
    for name, (med, low, high) in results.items():
        print(f"  {name:<46} median {med * 1000:7.1f} ms  (min {low * 1000:.1f}, "
              f"max {high * 1000:.1f})")
    ours_t, bare_t = (results["render_pdf (template + fetcher + pdf/a-3a)"],
                      results["bare WeasyPrint (pdf/a-3a)"])
    ratio = ours_t[0] / bare_t[0]
    print(f"  ratio render_pdf / bare (same variant): median {ratio:.2f}x, "
          f"min {ours_t[1] / bare_t[1]:.2f}x  (goal <= 1.20x)")
    return 0 if ratio <= 1.2 else 1


if __name__ == "__main__":
    sys.exit(main())
