"""Spiders, named after how they discover article URLs."""
