// Keeps the testing library non-empty before any double exists.
