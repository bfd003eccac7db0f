"""baotinh: Vietnamese provincial newspapers, crawled and turned into a longitudinal dataset."""

__version__ = "0.1.0"
