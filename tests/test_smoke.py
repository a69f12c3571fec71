def test_template_renders_answers_file(render):
    project = render(project_name="Demo")
    assert (project / ".copier-answers.yml").is_file()
