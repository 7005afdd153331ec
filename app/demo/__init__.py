"""The demo store: Maya Chen's inbox, built through the same core calls a user makes."""
