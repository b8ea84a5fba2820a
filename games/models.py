"""Games own the content learners play (quests and mini-games) and how they played it."""
