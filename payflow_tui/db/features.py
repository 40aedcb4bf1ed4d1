"""Registers the migrations of feature modules (subscriptions, fraud, ...).

Each feature adds one line here importing its migration module.
"""
