"""Reusable cocotb verification components (drivers, monitors, scoreboards, envs)."""
