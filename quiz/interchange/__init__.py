"""Questions in and out of the application: bank YAML, GIFT, Moodle XML and Aiken."""
