"""Money: the cost saved per row (:mod:`.cost`), the appraisal of assets, projects and plants
(:mod:`.appraisal`: NPV, IRR, cost of saved energy, supply curve) and the policy packs'
incentives (:mod:`.incentives`). Never imports plotting."""
