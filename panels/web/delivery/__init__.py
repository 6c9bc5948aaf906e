"""Pages of the agencies delivering interventions: their list, an intervention and its forms."""
