"""Write geodata/README.md from the layer contracts in siting/layers/schema.py."""

from __future__ import annotations

from pathlib import Path

from siting.layers.schema import schema_markdown

if __name__ == "__main__":
    target = Path(__file__).resolve().parents[1] / "geodata" / "README.md"
    target.write_text(schema_markdown(), encoding="utf-8")
    print(f"wrote {target}")
