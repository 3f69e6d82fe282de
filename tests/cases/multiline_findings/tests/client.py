class ProfileClient:
    async def fetch_profile_page(self, user_id, include_history, page_size):
        return {"id": user_id}
