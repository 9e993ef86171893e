"""handling"""

__all__: list[str] = []
