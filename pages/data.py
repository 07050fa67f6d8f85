"""Placeholder until the page lands."""

from smp_dash import ui

bundle, view = ui.page("Data", "Being built.")
