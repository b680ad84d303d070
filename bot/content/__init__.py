"""Loading and checking the YAML content that werkgroep members edit."""
