#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Writes the documented uapi header of a genetlink family from its spec.

usage: uapi_header.py SPEC [OUT]

The kernel's ynl-gen-c.py (6.12) writes the same enums and constants (the
check in tools/ynl/check.sh compares every name and value) but documents
only the `enum` definitions. This header is what people and userspace read,
so it carries kernel-doc for every command, attribute set and attribute,
each attribute's type and whether a request may carry it (worked out from
the operations' request attribute sets), and the spec's prose. The spec's
license is the header's, as with the kernel's generator.
"""

import re
import sys
from specinfo import Literal, Spec, c_lower, c_upper

WIDTH = 80
DEFINE_WIDTH = 100	# a #define with its comment on the line
ADDR_LEN = {'ipv4': 4, 'ipv6': 16}	# bytes of a display-hint's address


def c_value(value):
    if isinstance(value, str):
        return f'"{value}"'
    text = value.text if value.text.lower().startswith('0x') else str(int(value))
    # wider than 32 bits: unsigned long long on every ABI, not long
    return text + ('ULL' if value > 0xffffffff else '')


def paragraphs(doc):
    """Paragraphs of a doc string. A paragraph that is a list (lines
    starting with "- ") keeps the spec's line breaks; any other is text."""
    out = []
    for para in doc.strip().split('\n\n'):
        lines = para.strip('\n').split('\n')
        if any(line.lstrip().startswith('- ') for line in lines):
            out.append('\n'.join(lines))
        elif para.strip():
            out.append(' '.join(' '.join(lines).split()))
    return out


def comment_lines(text, hang=''):
    """The lines of a C comment body (each to follow " *") holding TEXT
    within WIDTH columns. Lines after the first start with HANG (a tab
    continues a kernel-doc member); the spec's own line breaks (a list)
    are kept, a list item's continuation lined up under its text."""
    out = []
    for line in text.split('\n'):
        indent = len(line) - len(line.lstrip(' '))
        under = indent + (2 if line.lstrip().startswith('- ') else 0)
        cur = ' ' * indent
        # a `quoted command` is not broken
        for word in re.findall(r'`[^`]*`\S*|\S+', line):
            lead = '\t' if out and hang else ' '
            if cur.strip() and len((' *' + lead + cur + ' ' + word).expandtabs()) > WIDTH:
                out.append(lead + cur if out or not hang else ' ' + cur)
                cur = ' ' * under + word
            else:
                cur = f'{cur} {word}' if cur.strip() else cur + word
        lead = '\t' if out and hang else ' '
        out.append(lead + cur)
    return out


class HeaderSpec(Spec):
    def type_words(self, s, a):
        t = a['type']
        if t == 'pad':
            return ''
        if t == 'nest':
            words = f"nest, enum {self.enum_name(a['nested-attributes'])}"
        elif t == 'binary' and 'exact-len' in a.get('checks', {}):
            words = f"binary ({a['checks']['exact-len']} bytes)"
        elif t == 'binary' and a.get('display-hint') in ADDR_LEN:
            words = f"binary ({ADDR_LEN[a['display-hint']]} bytes)"
        elif 'enum' in a:
            enum = next(d for d in self.y['definitions'] if d['name'] == a['enum'])
            words = f"{t}, enum {c_lower(enum['enum-name'])}"
        else:
            words = t
        if s['name'] in self.writable and a['name'] not in self.writable[s['name']]:
            words += ', read only'
        return words


class Writer:
    def __init__(self):
        self.lines = []

    def p(self, line=''):
        self.lines.append(line)

    def comment(self, body, opener='/*'):
        self.p(opener)
        for line in body:
            self.p((' *' + line).rstrip())
        self.p(' */')

    def defines(self, items):
        """#define NAME VALUE, values lined up; a doc that fits goes on the
        line, a longer one in a comment above it."""
        col = max(len(f'#define {n}') for n, _, _ in items) // 8 * 8 + 8
        for name, value, doc in items:
            head = f'#define {name}'
            head += '\t' * ((col - len(head) + 7) // 8) + c_value(value)
            line = f'{head}\t/* {doc} */' if doc else head
            if len(line.expandtabs()) > DEFINE_WIDTH:
                self.comment(comment_lines(' '.join(doc.split())))
                line = head
            self.p(line)

    def kdoc(self, title, doc, members):
        """A kernel-doc block: TITLE - the doc's first paragraph, the
        members, then the doc's other paragraphs."""
        paras = paragraphs(doc) if doc else []
        body = comment_lines(f'{title} - {paras[0]}' if paras else title, '\t')
        for name, text in members:
            body += comment_lines(f'@{name}: {text}', '\t')
        for para in paras[1:]:
            body += [''] + comment_lines(para)
        self.comment(body, '/**')


def render(spec, spec_rel):
    y = spec.y
    w = Writer()
    guard = f'_UAPI_LINUX_{c_upper(spec.name)}_H'

    w.p(f'/* SPDX-License-Identifier: {spec.license} */')
    intro = [f'{spec.name}: ' + paragraphs(y['doc'])[0]]
    intro += paragraphs(y['doc'])[1:]
    body = []
    for para in intro:
        body += comment_lines(para) + ['']
    body += comment_lines(f'Generated from {spec_rel} by tools/ynl/uapi_header.py '
                          '(`make regen`): edit the spec, not this file.')
    w.comment(body)
    w.p(f'#ifndef {guard}')
    w.p(f'#define {guard}')
    w.p()

    family = [(c_upper(y['c-family-name']), spec.name, None),
              (c_upper(y['c-version-name']), Literal(y.get('version', 1), '1'), None)]
    family += [(c_upper(g.get('c-define-name', f"{spec.name}-mcgrp-{g['name']}")),
                g['name'], None) for g in y.get('mcast-groups', {}).get('list', [])]
    w.defines(family)
    w.p()

    consts = []
    for d in y.get('definitions', []):
        if d['type'] == 'const':
            consts.append((c_upper(f"{spec.name}-{d['name']}"), d['value'], d.get('doc')))
            continue
        if consts:
            w.defines(consts)
            w.p()
            consts = []
        prefix = d['name-prefix']
        enum = c_lower(d['enum-name'])
        entries = [e if isinstance(e, dict) else {'name': e} for e in d['entries']]
        w.kdoc(f'enum {enum}', d.get('doc'),
               [(c_upper(prefix + e['name']), e['doc']) for e in entries if 'doc' in e])
        w.p(f'enum {enum} {{')
        for e in entries:
            w.p(f"\t{c_upper(prefix + e['name'])},")
        if d.get('render-max'):
            w.p()
            w.p(f'\t__{c_upper(prefix)}MAX,')
            w.p(f'\t{c_upper(prefix)}MAX = __{c_upper(prefix)}MAX - 1')
        w.p('};')
        w.p()
    if consts:
        w.defines(consts)
        w.p()

    ops = y['operations']
    prefix = c_upper(ops['name-prefix'])
    enum = c_lower(ops['enum-name'])
    w.kdoc(f'enum {enum}', 'commands',
           [(prefix + c_upper(op['name']), op['doc']) for op in ops['list']
            if {'do', 'dump', 'event', 'notify'} & op.keys()])
    w.p(f'enum {enum} {{')
    val = 0
    for op in ops['list']:
        init = ''
        if op.get('value', val) != val:
            val = op['value']
            init = f' = {val}'
        w.p(f"\t{prefix}{c_upper(op['name'])}{init},")
        val += 1
    w.p()
    w.p(f'\t__{prefix}MAX,')
    w.p(f'\t{prefix}MAX = __{prefix}MAX - 1')
    w.p('};')
    w.p()

    for s in y['attribute-sets']:
        if 'subset-of' in s:
            continue
        members = []
        for a in s['attributes']:
            if a['type'] == 'unused':
                continue
            words = spec.type_words(s, a)
            doc = ' '.join(a.get('doc', '').split())
            text = f'{words}: {doc}' if words and doc else words or doc
            members.append((spec.attr_enum(s, a), text))
        enum = c_lower(s['enum-name'])
        w.kdoc(f'enum {enum}', s.get('doc'), members)
        w.p(f'enum {enum} {{')
        val = 1
        for a in s['attributes']:
            init = ''
            if a.get('value', val) != val:
                init = f" = {a['value']}"
            val = a.get('value', val) + 1
            w.p(f'\t{spec.attr_enum(s, a)}{init},')
        cnt = f"__{c_upper(s['name-prefix'])}MAX"
        w.p()
        w.p(f'\t{cnt},')
        w.p(f"\t{c_upper(s['name-prefix'])}MAX = {cnt} - 1")
        w.p('};')
        w.p()

    w.p(f'#endif /* {guard} */')
    # an unused attribute value 0 renders "= 0" on its first entry: drop it
    return '\n'.join(l.replace('_UNSPEC = 0,', '_UNSPEC,') for l in w.lines) + '\n'


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    spec = HeaderSpec(sys.argv[1])
    rel = 'uapi/' + sys.argv[1].rsplit('/', 1)[-1]
    text = render(spec, rel)
    if len(sys.argv) == 3:
        with open(sys.argv[2], 'w', encoding='utf-8') as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == '__main__':
    main()
