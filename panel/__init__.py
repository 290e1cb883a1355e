"""The paperless decision panel: panels and their terms of reference, meetings and agendas, case bundles on
tablets, votes, recorded decisions, minutes and outcome letters."""
