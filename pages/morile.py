"""Placeholder until the page lands."""

from smp_dash import ui

bundle, view = ui.page("morile", "Being built.")
