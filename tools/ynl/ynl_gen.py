#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Runs the kernel's own YNL C generator on a spec, with one compat shim.

usage: ynl_gen.py YNL_DIR ARGS...

YNL_DIR is the tools/net/ynl folder that tools/ynl/extract.sh took out of
Debian's linux-source-6.12; ARGS are ynl-gen-c.py's own (--mode kernel
--spec ... --source -o ...).

The shim: a spec attribute set that is a `subset-of` another may name a
different `nested-attributes` for one of its nests. That is how a
per-operation request says which attributes its nest takes (ovpn's
ovpn-peer-new-input does it; the schema of 6.12 already accepts it), but
6.12's library still hands the subset the parent's attribute, override
ignored. With the shim, such an attribute is a copy of the parent's with
the override applied (what later kernels' nlspec.py does); every other
attribute stays the parent's own object, exactly as in 6.12. Nothing else
of the generator changes.
"""

import importlib.util
import os
import sys

OVERRIDABLE = {'name', 'nested-attributes'}


def subset_init(nlspec):
    """SpecAttrSet.__init__ of 6.12, with nest overrides in subsets."""
    original = nlspec.SpecAttrSet.__init__

    def init(self, family, yaml):
        overrides = [e for e in yaml.get('attributes', [])
                     if 'subset-of' in yaml and set(e) != {'name'}]
        original(self, family, yaml)
        for elem in overrides:
            extra = set(elem) - OVERRIDABLE
            if extra:
                raise Exception(f"subset {yaml['name']}: only nested-attributes "
                                f"may be overridden, not {sorted(extra)}")
            real = family.attr_sets[self.subset_of][elem['name']]
            attr = self.new_attr(real.yaml | elem, real.value)
            self.attrs[attr.name] = attr
            self.attrs_by_val[attr.value] = attr

    nlspec.SpecAttrSet.__init__ = init


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    ynl_dir = sys.argv[1]
    sys.path.insert(0, ynl_dir)
    from lib import nlspec  # the generator's own copy: same module object

    spec = importlib.util.spec_from_file_location(
        'ynl_gen_c', os.path.join(ynl_dir, 'ynl-gen-c.py'))
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)

    subset_init(nlspec)
    sys.argv = [os.path.join(ynl_dir, 'ynl-gen-c.py')] + sys.argv[2:]
    gen.main()


if __name__ == '__main__':
    main()
