"""Competency standards and assessor guidelines: the versioned model, the file format (schema,
validation, import and export), drafting and endorsing, browsing, checklist printing, labels."""
