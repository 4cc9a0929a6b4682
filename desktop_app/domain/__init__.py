"""Pure domain model: no Qt, no SQL, no files, no clock."""
