"""kg: a knowledge graph of one ISNA article on Iran–Kazakhstan cooperation (June 2022)."""

from kg.load import load_graph as load

__all__ = ["load"]
