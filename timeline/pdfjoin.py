"""Parts of a document typeset apart, joined with pikepdf into one PDF as if typeset whole: pages,
structure tree, named destinations, bookmarks and the stamped page numbers."""

from __future__ import annotations

import warnings

def join(parts: list[dict], stamps: bytes | None) -> bytes:
    """One PDF from the parts' PDFs, as if typeset whole: pages in order, one structure tree (each
    part's under the first's Document, its parent tree keys moved past the ones before), every
    named destination pointing at its page (links between parts work), the bookmarks of all parts,
    the first part's catalogue (language, metadata, output intent), and the page numbers stamped
    on the pages after the front matter as pagination artifacts, which screen readers skip."""
    import io

    import pikepdf

    base = pikepdf.open(io.BytesIO(parts[0]["pdf"]))
    if len(parts) == 1:
        _id_tree(base)
        return _save(base)
    root = base.Root.StructTreeRoot
    nums = list(root.ParentTree.Nums)
    dests = _dests(base, parts[0]["elsewhere"])
    outline = [_outline_items(base, item, 0) for item in base.open_outline().root]
    for part in parts[1:]:
        outline += _append(base, pikepdf.open(io.BytesIO(part["pdf"])), part, nums, dests)
    root.ParentTree = base.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))
    root.ParentTreeNextKey = max(int(k) for k in nums[::2]) + 1
    names = pikepdf.Array()
    for name in sorted(dests, key=lambda n: n.encode("utf-8")):
        names.append(pikepdf.String(name))
        names.append(dests[name])
    base.Root.Names = pikepdf.Dictionary(Dests=base.make_indirect(pikepdf.Dictionary(Names=names)))
    with base.open_outline() as tree:
        tree.root.clear()
        tree.root.extend(_rebuilt(items) for items in outline)
    if stamps is not None:
        _stamp(base, pikepdf.open(io.BytesIO(stamps)), parts[0]["pages"])
    _id_tree(base)
    return _save(base)


def _append(base, src, part: dict, nums: list, dests: dict) -> list:
    """src's pages appended to base, its structure tree under base's Document, its parent tree keys
    (added to nums) moved past the ones before and its named destinations added to dests; returns
    its bookmarks, pointing at their pages in base."""
    import pikepdf

    document = base.Root.StructTreeRoot.K[0]
    start = len(base.pages)
    shift = max([int(k) for k in nums[::2]], default=-1) + 1
    with warnings.catch_warnings():  # named destinations: rebuilt by join, for the whole document
        warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
        base.pages.extend(src.pages)
    for one in base.pages[start:]:
        if "/StructParents" in one.obj:
            one.obj.StructParents = int(one.obj.StructParents) + shift
        for annot in one.obj.get("/Annots", []):
            if "/StructParent" in annot:
                annot.StructParent = int(annot.StructParent) + shift
    tree = src.Root.StructTreeRoot
    theirs = base.copy_foreign(tree.K[0])
    for kid in theirs.K:
        kid.P = document
        document.K.append(kid)
    src_nums = tree.ParentTree.Nums
    for i in range(0, len(src_nums), 2):
        nums += [int(src_nums[i]) + shift, _copy(base, src_nums[i + 1])]
    for name, dest in _dests(src, part["elsewhere"]).items():
        dests.setdefault(name, _copy(base, dest))
    return [_outline_items(src, item, start) for item in src.open_outline().root]


def _copy(pdf, obj):
    """obj, of another PDF, in pdf (pikepdf copies indirect objects only; the pages are copied already)."""
    import pikepdf

    if not isinstance(obj, pikepdf.Object):  # a number or a name, converted to Python
        return obj
    if obj.is_indirect:
        return pdf.copy_foreign(obj)
    if isinstance(obj, pikepdf.Array):
        return pikepdf.Array([_copy(pdf, item) for item in obj])
    if isinstance(obj, pikepdf.Dictionary):
        return pikepdf.Dictionary({key: _copy(pdf, value) for key, value in obj.items()})
    return obj


def _dests(pdf, fake: set) -> dict:
    names = pdf.Root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
    return {str(names[i]): names[i + 1] for i in range(0, len(names), 2) if str(names[i]) not in fake}


def _outline_items(pdf, item, start: int):
    """(title, page in the joined document, top, children) of a bookmark of one part."""
    dest = item.destination
    import pikepdf

    index = pdf.pages.index(pikepdf.Page(dest[0])) if dest is not None else 0
    top = float(dest[3]) if dest is not None and len(dest) > 3 else None
    return item.title, start + index, top, [_outline_items(pdf, kid, start) for kid in item.children]


def _rebuilt(items):
    import pikepdf

    title, index, top, children = items
    made = pikepdf.OutlineItem(title, index, pikepdf.PageLocation.XYZ, left=0, top=top)
    made.children.extend(_rebuilt(kid) for kid in children)
    return made


def _stamp(base, stamps, front: int) -> None:
    import pikepdf

    for number in range(front, len(base.pages)):
        page = base.pages[number]
        form = base.copy_foreign(stamps.make_indirect(stamps.pages[number - front].as_form_xobject()))
        # A name of the page's own: WeasyPrint's pages share one resource dictionary.
        name = page.add_resource(form, pikepdf.Name.XObject, pikepdf.Name(f"/PageNumber{number + 1}"))
        # The page's own drawing is closed first, so the stamp starts from the default state.
        page.contents_add(pikepdf.Stream(base, b"q\n"), prepend=True)
        page.contents_add(pikepdf.Stream(base, b"\nQ\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC q "
                                         + str(name).encode() + b" Do Q EMC\n"))


def _id_tree(pdf) -> None:
    """The structure tree's IDTree: each Note's ID (PDF/UA-1 asks notes for IDs, and IDs for a tree)."""
    import pikepdf

    found = {}
    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            if "/ID" in node:
                found[bytes(node.ID)] = node
            if "/K" in node:
                stack.append(node.K)
    if found:
        names = pikepdf.Array()
        for key in sorted(found):
            names.append(pikepdf.String(key))
            names.append(found[key])
        pdf.Root.StructTreeRoot.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=names))


def _save(pdf) -> bytes:
    import io

    out = io.BytesIO()
    # An ID made from the content: the same content gives the same bytes.
    pdf.save(out, deterministic_id=True)
    return out.getvalue()
