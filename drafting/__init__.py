"""The EHC plan: versions with sections A to K, automated assembly from the submitted advice with provenance,
quality checks, the family's 15 days, sign-off and the final plan."""
