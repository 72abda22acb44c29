"""Helpers shared by the test suite: throwaway servers and data factories."""
