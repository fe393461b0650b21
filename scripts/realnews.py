#!/usr/bin/env python3
"""The real-news corpus: check the stored texts, split it once by event, and lay out each split for `kg eval`.

The texts of real published articles are never committed (realnews/texts/ is git-ignored); the repository
keeps one record per article (realnews/sources-*.jsonl: URL, outlet, stated date, sha256 of the stored text,
how it was found) and the gold facts per event (realnews/events/*.json). See realnews/README.md.

usage:
  python scripts/realnews.py check            # every record has its text, with the recorded sha256
  python scripts/realnews.py split --seed N   # once: assign events to dev/test (writes realnews/split.json)
  python scripts/realnews.py layout           # realnews/{dev,test}/facts.json + manifest.csv, texts/{dev,test}/
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import shutil
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "realnews"
TEXTS = ROOT / "texts"
SPLIT = ROOT / "split.json"
TEST_SHARE = 1 / 3
TYPE_RANK = {"Person": 0, "Official": 1}  # the same person typed both ways in two events: the specific type


def records() -> list[dict]:
    return [json.loads(line) for path in sorted(ROOT.glob("sources-*.jsonl"))
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def check(_args) -> int:
    missing, changed = [], []
    for rec in records():
        path = TEXTS / rec["file"]
        if not path.is_file():
            missing.append(rec["file"])
        elif hashlib.sha256(path.read_bytes()).hexdigest() != rec["sha256"]:
            changed.append(rec["file"])
    for name in missing:
        print(f"missing: {name} (find it again with the record's fetch query and URL)")
    for name in changed:
        print(f"changed: {name} (its sha256 is not the recorded one)")
    print(f"{len(records())} records, {len(missing)} texts missing, {len(changed)} changed")
    return 1 if missing or changed else 0


def split(args) -> int:
    """Random by event, within each collector's region, so each side covers every region and all reports of
    one event fall on the same side. Done once: the split is a record, not something to re-roll."""
    if SPLIT.exists() and not args.force:
        print(f"{SPLIT} exists: the corpus is split once (use --force only to repair a broken split file)")
        return 2
    by_region: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for rec in records():
        by_region[rec["event"].split("-", 1)[0]][rec["event"]] += 1
    rng = random.Random(args.seed)
    assignment = {"dev": [], "test": []}
    for region in sorted(by_region):
        events = sorted(by_region[region])
        rng.shuffle(events)
        total, taken = sum(by_region[region].values()), 0
        for event in events:
            side = "test" if taken < total * TEST_SHARE else "dev"
            taken += by_region[region][event] if side == "test" else 0
            assignment[side].append(event)
    method = "random by event within each collector's region; test takes events until it holds a third of the articles"
    SPLIT.write_text(json.dumps({"seed": args.seed, "method": method,
                                 **{k: sorted(v) for k, v in assignment.items()}}, indent=1) + "\n")
    for side, events in assignment.items():
        print(f"{side}: {len(events)} events")
    return 0


def _merge_entity(kept: dict, new: dict) -> None:
    names = set(kept.get("names", [])) | set(new.get("names", []))
    kept["names"] = sorted(names, key=lambda n: (n.lower(), n))  # names differing only in case: a fixed order
    kept["required"] = kept.get("required", True) or new.get("required", True)
    if TYPE_RANK.get(new["type"], 0) > TYPE_RANK.get(kept["type"], 0):
        kept["type"] = new["type"]
    for key, value in new.items():
        kept.setdefault(key, value)


def _facts(events: list[str]) -> dict:
    """One facts file for a split: the events' files concatenated, entities merged by label, and event ids
    prefixed with their event so they stay unique (``in_response_to`` follows)."""
    entities: dict[str, dict] = {}
    out = {"about": "Gold facts of the real-news corpus (realnews/README.md), one split, merged from "
                    "realnews/events/*.json by scripts/realnews.py layout.",
           "entities": [], "attacks": [], "diplomatic_actions": [], "other_facts": [], "publication_dates": {}}
    other: dict[tuple, dict] = {}
    for event in events:
        facts = json.loads((ROOT / "events" / f"{event}.json").read_text(encoding="utf-8"))
        for entity in facts.get("entities", []):
            if entity["label"] in entities:
                _merge_entity(entities[entity["label"]], entity)
            else:
                entities[entity["label"]] = dict(entity)
        for key in ("attacks", "diplomatic_actions"):
            for item in facts.get(key, []):
                item = dict(item, id=f"{event}/{item['id']}")
                if item.get("in_response_to"):
                    item["in_response_to"] = f"{event}/{item['in_response_to']}"
                out[key].append(item)
        for fact in facts.get("other_facts", []):
            ident = (fact["subject"], fact["property"], fact["object"])
            if ident in other:
                kept = other[ident]
                if "required" in kept or "required" in fact:
                    kept["required"] = kept.get("required", True) or fact.get("required", True)
                if "sources" in kept or "sources" in fact:
                    kept["sources"] = sorted(set(kept.get("sources", [])) | set(fact.get("sources", [])))
            else:
                other[ident] = dict(fact)
        out["publication_dates"].update({k: v for k, v in facts.get("publication_dates", {}).items() if k != "note"})
    out["entities"] = list(entities.values())
    out["other_facts"] = list(other.values())
    return out


def layout(_args) -> int:
    if not SPLIT.exists():
        print("no realnews/split.json: run `split` first")
        return 2
    assignment = json.loads(SPLIT.read_text())
    by_event = defaultdict(list)
    for rec in records():
        by_event[rec["event"]].append(rec)
    for side in ("dev", "test"):
        folder, texts = ROOT / side, TEXTS / side
        folder.mkdir(exist_ok=True)
        (folder / "facts.json").write_text(json.dumps(_facts(assignment[side]), indent=1, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
        rows = [rec for event in assignment[side] for rec in sorted(by_event[event], key=lambda r: r["file"])]
        with open(folder / "manifest.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["file", "url", "title", "publisher", "date"])
            for rec in rows:
                writer.writerow([rec["file"], rec["url"], rec.get("title") or "", rec.get("outlet") or "",
                                 rec.get("date") or ""])
        if texts.exists():
            shutil.rmtree(texts)
        texts.mkdir(parents=True)
        present = [rec for rec in rows if (TEXTS / rec["file"]).is_file()]
        for rec in present:
            shutil.copyfile(TEXTS / rec["file"], texts / rec["file"])
        print(f"{side}: {len(assignment[side])} events, {len(rows)} articles ({len(present)} texts present)")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check").set_defaults(run=check)
    splitting = commands.add_parser("split")
    splitting.add_argument("--seed", type=int, required=True)
    splitting.add_argument("--force", action="store_true")
    splitting.set_defaults(run=split)
    commands.add_parser("layout").set_defaults(run=layout)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
