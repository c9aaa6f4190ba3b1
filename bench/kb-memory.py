#!/usr/bin/env python3
"""Writes a folder with a knowledge file of valid generated entities and a one-line note, to
measure the memory of loading a large knowledge file. A benchmark, not a test.

    python3 bench/kb-memory.py MB toml|jsonl FOLDER
    /usr/bin/time -v target/release/nomen check FOLDER/note.txt
"""
import json
import os
import sys


def entity(n):
    kind = ["person", "organisation", "place", "other"][n % 4]
    return {
        "name": f"Entité Numéro {n} de Zorvanie",
        "kind": kind,
        "aliases": [f"EZ{n}", f"Numéro {n}"],
        "description": f"Une entité inventée, la {n}e, pour mesurer la mémoire",
    }


def toml(e):
    aliases = ", ".join(f'"{a}"' for a in e["aliases"])
    return (
        f'[[entity]]\nname = "{e["name"]}"\nkind = "{e["kind"]}"\n'
        f"aliases = [{aliases}]  # two\n"
        f'description = "{e["description"]}"\n\n'
    )


def main():
    mb, fmt, folder = float(sys.argv[1]), sys.argv[2], sys.argv[3]
    os.makedirs(os.path.join(folder, ".nomen"), exist_ok=True)
    path = os.path.join(folder, ".nomen", "knowledge." + fmt)
    size, n = 0, 0
    with open(path, "w", encoding="utf-8") as out:
        if fmt == "toml":
            out.write("# generated for a memory benchmark\n")
        while size < mb * 1_000_000:
            e = entity(n)
            line = toml(e) if fmt == "toml" else json.dumps(e, ensure_ascii=False) + "\n"
            out.write(line)
            size += len(line.encode())
            n += 1
    with open(os.path.join(folder, "note.txt"), "w", encoding="utf-8") as out:
        out.write("Le ministre est arrivé à Lyon.\n")
    print(f"{path}: {n} entities, {size} bytes")


main()
