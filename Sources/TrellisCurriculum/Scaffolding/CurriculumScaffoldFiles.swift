/// The text of the files `trellis init` writes (`CurriculumScaffold`), each field explained
/// where it is, so that a trainer can learn the format from the files themselves
/// (`docs/format.md` is the full reference).
enum CurriculumScaffoldFiles {
    static let audience = "Peer specialists in training"

    static func manifest(title: String, organization: String?) -> String {
        let quoted = ModuleScaffold.quoted
        let organizationLine = organization.map { "organization: \(quoted($0))" } ?? "# organization: Your program or agency"
        return """
            # The curriculum: its title and the tracks of modules a trainee works through, in order.
            # Every module in modules/ must be in exactly one track; `trellis check` says so if not.
            # Every field is described in docs/format.md of the Trellis repository.

            title: \(quoted(title))            # shown on every page
            \(organizationLine)
            # Who the modules are for: `trellis new module` writes it into each new module.
            audience: \(quoted(audience))
            # A sentence or two for the home page.
            description: >-
              What this training is for, who it is for, and what trainees will be able to do.

            # Optional: a suggested schedule for the facilitator overview (trainer edition).
            schedule:
              - day: Day 1
                focus: Welcome and the first skills
                tracks: [getting-started]

            # Tracks group modules; trainees see them in this order. Add modules with
            # `trellis new module <id> --title "…" --track <track id>`.
            tracks:
              - id: getting-started
                title: Getting started
                modules:
                  - welcome

            """
    }

    static let framework = """
        # The competency framework: what trainees learn to do, how well, and what completing
        # the program requires. The tracker (`trellis tracker init`) turns evidence into levels
        # by these rules.

        title: Competency framework
        version: "0.1"

        # The proficiency scale, lowest level first. Observed practice is rated on it.
        scale:
          - id: aware
            name: Aware
            description: Knows what the skill is and why it matters.
          - id: practicing
            name: Practicing
            description: Uses the skill in role-plays and early field work, with coaching.
          - id: competent
            name: Competent
            description: Uses the skill reliably on their own, as a coach observes.

        # How evidence turns into a level. A level needs its own rule and every lower one.
        progression:
          lapse_after_months: 24        # a level above the first drops one step after this long without renewal; 0 = never
          completion_level: competent   # the level a completion set requires when it names none
          # Optional: which competencies continuing education in each category renews.
          # renewal:
          #   ethics: [listening-well]
          levels:
            aware:
              modules: any              # at least one module that builds the competency
            practicing:
              modules: all              # every module that builds it
              knowledge_check_min_score: 70
              observed_practice: practicing
            competent:
              modules: all
              observed_practice: competent
              observations_min: 2       # two observations at Competent or higher,
              observers_min: 2          # by two different coaches
              supervisor_signoff: true

        # What completing the program requires: one set per role if you train more than one.
        completion:
          - id: program
            title: The program
            competencies: all
            # field_hours_min: 40       # supervised field hours, if your program requires them

        # Competencies, grouped in domains. Modules list the ids they build.
        domains:
          - id: relationships
            title: Building relationships
            competencies:
              - id: listening-well
                title: Listens so the other person feels heard
                description: >-
                  Listens without judging, reflects what was said, and checks that it was
                  understood.
                indicators:                # 2–4 behaviours a coach can see or hear
                  - Reflects the person's words and feelings back, and checks.
                  - Asks open questions and waits for the answer.
                rubric:                    # what practice at each level looks like, for coaches
                  aware: Names two ways to show someone they were heard.
                  practicing: Reflects feelings back in a role-play, with a coach's prompt for at least one step.
                  competent: Reflects a real person's words and feelings back and checks, without prompts.

        """

    static let gitignore = """
        # The built site: rebuild it with `trellis build`.
        _site/
        # Tracker databases hold people's records: never in git (`trellis tracker init` keeps them elsewhere).
        *.sqlite
        *.sqlite-wal
        *.sqlite-shm
        *.sqlite-journal

        """

    /// Builds Trellis from its source (the address to set is the one line to change), checks the
    /// curriculum, and publishes the trainee edition.
    static let githubWorkflow = """
        # Optional: publishes the trainee edition to GitHub Pages on every push to main.
        # To use it: in the repository's Settings → Pages, choose "GitHub Actions" as the source,
        # and set TRELLIS_REPO below to the git address of the Trellis you use. Delete this file
        # if you publish the site another way (any web server or a USB stick works too).
        name: Publish the trainee site

        on:
          push:
            branches: [main]
          workflow_dispatch:

        permissions:
          contents: read
          pages: write
          id-token: write

        concurrency:
          group: pages
          cancel-in-progress: true

        env:
          TRELLIS_REPO: https://github.com/your-organization/trellis.git
          TRELLIS_REF: main

        jobs:
          build:
            runs-on: ubuntu-latest
            container: swift:6.2-bookworm
            steps:
              - uses: actions/checkout@v4
              - name: Install what Trellis needs
                run: apt-get update && apt-get install -y git libcmark-gfm-dev libcmark-gfm-extensions-dev libmimalloc-dev libcurl4-openssl-dev libjs-lunr
              - name: Build Trellis
                run: |
                  git clone --depth 1 --branch "$TRELLIS_REF" "$TRELLIS_REPO" /tmp/trellis
                  swift build -c release --package-path /tmp/trellis --product trellis
              - name: Check the curriculum and build the trainee edition
                run: |
                  /tmp/trellis/.build/release/trellis check --format github
                  /tmp/trellis/.build/release/trellis build --edition trainee --output _site
              - uses: actions/upload-pages-artifact@v3
                with:
                  path: _site/trainee

          deploy:
            needs: build
            runs-on: ubuntu-latest
            environment:
              name: github-pages
              url: ${{ steps.deployment.outputs.page_url }}
            steps:
              - id: deployment
                uses: actions/deploy-pages@v4

        """

    static let gitlabPipeline = """
        # Optional: publishes the trainee edition to GitLab Pages from the default branch.
        # Set TRELLIS_REPO to the git address of the Trellis you use. Delete this file if you
        # publish the site another way.
        pages:
          image: swift:6.2-bookworm
          variables:
            TRELLIS_REPO: https://gitlab.com/your-organization/trellis.git
            TRELLIS_REF: main
          script:
            - apt-get update && apt-get install -y git libcmark-gfm-dev libcmark-gfm-extensions-dev libmimalloc-dev libcurl4-openssl-dev libjs-lunr
            - git clone --depth 1 --branch "$TRELLIS_REF" "$TRELLIS_REPO" /tmp/trellis
            - swift build -c release --package-path /tmp/trellis --product trellis
            - /tmp/trellis/.build/release/trellis check
            - /tmp/trellis/.build/release/trellis build --edition trainee --output _site
            - mv _site/trainee public
          artifacts:
            paths:
              - public
          rules:
            - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH

        """
}
