"""The shared kernel every app may use: GOV.UK form base and widgets, component rendering, languages, PDF
rendering and the error a service raises. It sits at the bottom of the layers and imports no app."""
