#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Every range a request meets in a spec has its refusal row.

usage: ranges.py SPEC TEST.c

The ranges: the `checks` (min, max, max-len, exact-len: a short and a long
value) and the bounds an `enum` puts on an attribute, of every attribute
some request may carry (down the nests of the operations' request sets).
A row: a FIXTURE_VARIANT_ADD(refuse, NAME) of TEST.c whose
`.range = "SET.ATTR BOUND"` names one of them and that sends the
attribute (its C name appears in the row). Prints what is missing, or a
row whose range the spec does not have; exits 1 then.
"""

import re
import sys

from specinfo import Spec, c_upper


def spec_ranges(spec):
    """{"set.attr bound": C name of the attribute}"""
    out = {}
    for set_name, names in spec.writable.items():
        s = spec.sets[set_name]
        for name in names:
            a = spec.attr(set_name, name)
            checks = dict(a.get('checks', {}))
            if 'enum' in a:
                enum = next(d for d in spec.y['definitions'] if d['name'] == a['enum'])
                checks.setdefault('max', len(enum['entries']) - 1)
            bounds = [b for b in ('min', 'max', 'max-len') if b in checks]
            if 'exact-len' in checks:
                bounds += ['exact-len short', 'exact-len long']
            if 'min-len' in checks:
                bounds += ['min-len']
            for bound in bounds:
                out[f'{set_name}.{name} {bound}'] = c_upper(s['name-prefix'] + name)
    return out


def test_rows(path):
    """{range: [row text]} of the refusal rows that name a range."""
    with open(path, encoding='utf-8') as f:
        text = f.read()
    rows = {}
    for m in re.finditer(r'^FIXTURE_VARIANT_ADD\(refuse, (\w+)\) \{\n(.*?)^\};',
                         text, re.M | re.S):
        r = re.search(r'\.range = "([^"]+)"', m.group(2))
        if r:
            rows.setdefault(r.group(1), []).append((m.group(1), m.group(2)))
    return rows


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    ranges = spec_ranges(Spec(sys.argv[1]))
    rows = test_rows(sys.argv[2])
    bad = []
    for rng, attr in sorted(ranges.items()):
        if rng not in rows:
            bad.append(f'no row refuses {rng} ({attr})')
        elif not any(re.search(rf'\b{attr}\b', body) for _, body in rows[rng]):
            bad.append(f'the rows for {rng} do not send {attr}')
    for rng, named in sorted(rows.items()):
        if rng not in ranges:
            bad += [f'row {n}: the spec has no range {rng}' for n, _ in named]
    for line in bad:
        print(line)
    print(f'{len(ranges)} ranges, {len(ranges) - len([b for b in bad if b.startswith("no row")])} with a row')
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
