"""The recognition engines, loaded by name through the registry in `recognize.base`."""
