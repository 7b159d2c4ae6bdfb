#!/usr/bin/env python3
"""Copies the defaults from benchmarks/results/calibration.md into RiskWeights.cs and RiskModelOptions.cs.

Run after the calibration tool; RiskModelTests.RiskWeights_Defaults_MatchCommittedCalibration fails until
code and report agree.
"""
import pathlib, re

root = pathlib.Path(__file__).resolve().parents[2]
md = (root / "benchmarks/results/calibration.md").read_text()
values = {}
for m in re.finditer(r"\| (Bias|Weights\.(\w+) \(`\w+`\)|SuspiciousThreshold|CampaignThreshold) \| (-?[\d.]+) \|", md):
    values[m.group(2) or m.group(1)] = m.group(3)

weights = root / "src/AntiDistill/Risk/RiskWeights.cs"
text = weights.read_text()
for name, value in values.items():
    text = re.sub(r"(public double %s \{ get; set; \} = )-?[\d.]+;" % name, r"\g<1>%s;" % value, text)
weights.write_text(text)

options = root / "src/AntiDistill/Risk/RiskModelOptions.cs"
text = options.read_text()
text = re.sub(r"(public double Bias \{ get; set; \} = )-?[\d.]+;", r"\g<1>%s;" % values["Bias"], text)
text = re.sub(r"(at 0\)\. Calibrated; default )-?[\d.]+\.", r"\g<1>%s." % values["Bias"], text)
text = re.sub(r"(public double SuspiciousThreshold \{ get; set; \} = )[\d.]+;", r"\g<1>%s;" % values["SuspiciousThreshold"], text)
text = re.sub(r"(public double CampaignThreshold \{ get; set; \} = )[\d.]+;", r"\g<1>%s;" % values["CampaignThreshold"], text)
for name in ("Suspicious", "Campaign"):
    text = re.sub(r"(<see cref=\"Verdict\.%s\"/>\. Calibrated; default )-?[\d.]+\." % name, r"\g<1>%s." % values[name + "Threshold"], text)
options.write_text(text)
print("applied", values)
