"""Beyond the paper: one file per question, each opening with its question and its verdict.

why_not_one.py (Fig. 9), smooth.py (Fig. 12), real_vs_sim.py (Figs. 8, 10), simulator.py (Fig. 11),
delay_laws.py (Fig. 13), time_or_phase.py (Fig. 14); feet.py holds what several share. Each imports the core (models, manifold,
modadd, plots); the core never imports a study; grok.py runs both (and Fig. 6, a paper figure, calls
delay_laws.euler_vs_flow for its check of Eq. 20 as a flow, beyond the paper).
"""
