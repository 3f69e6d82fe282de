async def test_run_by_the_projects_plugin():
    pass
