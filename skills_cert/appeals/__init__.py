"""Appeals against an approved assessment decision (ILO practice: a fair assessment system lets
the candidate appeal, and someone other than the assessor decides).

The office lodges the appeal for the candidate within the guideline's appeal period
(`lodging.py`) and names who decides it: one accredited assessor, or a panel of up to three,
none of whom recorded the result (`panel.py`). The decider reviews the evidence and upholds or
overturns the decision, or orders a reassessment (`deciding.py`); a panel decides unanimously.
An overturned decision goes back to a certifying officer for the normal two-person approval,
which issues, or revokes with reason "appeal", through `certification/issuing.py`. Every step is
in the audit trail, on the assessment (object type "assessment"). The pages are `appeals.*`.
"""
