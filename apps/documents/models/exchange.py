"""exchange"""

__all__: list[str] = []
