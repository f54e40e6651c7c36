# SPDX-License-Identifier: GPL-2.0
"""What tools/ynl/*.py read from a genetlink spec beyond the YAML itself:
integers as the spec wrote them, subsets seen through their parents, and
which attributes a request may carry at all."""

import yaml


def c_upper(name):
    return name.upper().replace('-', '_')


def c_lower(name):
    return name.lower().replace('-', '_')


class Literal(int):
    """An integer that remembers how the spec wrote it (0x2001)."""

    def __new__(cls, value, text):
        obj = super().__new__(cls, value)
        obj.text = text
        return obj


class Loader(yaml.SafeLoader):
    pass


def _int(loader, node):
    return Literal(yaml.SafeLoader.construct_yaml_int(loader, node), node.value)


Loader.add_constructor('tag:yaml.org,2002:int', _int)


class Spec:
    """A spec loaded from PATH; .y is the YAML, .writable the attributes a
    request may carry ({real set: names})."""

    def __init__(self, path):
        with open(path, encoding='utf-8') as f:
            first = f.readline()
            f.seek(0)
            self.y = yaml.load(f, Loader=Loader)
        prefix = '# SPDX-License-Identifier: '
        if not first.startswith(prefix):
            raise SystemExit(f'{path}: the first line must be the SPDX tag')
        self.license = first[len(prefix):].strip()
        self.name = self.y['name']
        self.sets = {s['name']: s for s in self.y['attribute-sets']}
        self.writable = self.request_attrs()

    def real(self, set_name):
        s = self.sets[set_name]
        return s.get('subset-of', set_name)

    def attr(self, set_name, attr_name):
        """The attribute as the set sees it: a subset's entry overrides
        the parent's."""
        s = self.sets[set_name]
        entry = next(a for a in s['attributes'] if a['name'] == attr_name)
        if 'subset-of' in s:
            return self.attr(s['subset-of'], attr_name) | entry
        return entry

    def request_attrs(self):
        """{real set: names} of the attributes some request may carry:
        the operations' request lists and, down the nests, the sets
        those nests name."""
        found = {}
        seen = set()
        todo = []
        for op in self.y['operations']['list']:
            for mode in ('do', 'dump'):
                req = op.get(mode, {}).get('request')
                if req:
                    todo += [(op['attribute-set'], a) for a in req['attributes']]
        while todo:
            set_name, name = todo.pop()
            if (set_name, name) in seen:
                continue
            seen.add((set_name, name))
            found.setdefault(self.real(set_name), set()).add(name)
            a = self.attr(set_name, name)
            if a.get('type') == 'nest':
                nested = a['nested-attributes']
                todo += [(nested, n['name']) for n in self.sets[nested]['attributes']]
        return found

    def enum_name(self, set_name):
        return c_lower(self.sets[self.real(set_name)]['enum-name'])

    def attr_enum(self, s, a):
        return c_upper(s['name-prefix'] + a['name'])
