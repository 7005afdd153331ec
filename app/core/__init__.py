"""The product's rules: members and plans, routes, credits, messaging, the inbox and moderation."""
