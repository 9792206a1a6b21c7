"""the learning area: modules, lessons, quizzes, the question bank and its versions,
published snapshots, attempts and their answers item by item, regrades, time
accommodations, lesson views, certificates, course rules, and per-session attendance

Revision ID: 0008
Revises: 0007_b
Create Date: 2026-12-02 07:00:47.172859

"""
from alembic import op
import sqlalchemy as sa
import lms.timeutil  # noqa: F401  (UTCDateTime columns)


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007_b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lms_modules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary_md', sa.Text(), nullable=False),
    sa.Column('themes', sa.JSON(), nullable=False),
    sa.Column('principles', sa.JSON(), nullable=False),
    sa.Column('estimated_minutes', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('complete_needs_lessons', sa.Boolean(), nullable=False),
    sa.Column('created_at', lms.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', lms.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'published', 'archived')", name=op.f('ck_lms_modules_status')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_modules')),
    sa.UniqueConstraint('slug', name=op.f('uq_lms_modules_slug'))
    )
    op.create_table('lms_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', lms.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['lms_modules.id'], name=op.f('fk_lms_attachments_module_id_lms_modules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_attachments')),
    sa.UniqueConstraint('module_id', 'filename', name=op.f('uq_lms_attachments_module_id'))
    )
    with op.batch_alter_table('lms_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_attachments_module_id'), ['module_id'], unique=False)

    op.create_table('lms_lessons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body_md', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['lms_modules.id'], name=op.f('fk_lms_lessons_module_id_lms_modules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_lessons')),
    sa.UniqueConstraint('module_id', 'key', name=op.f('uq_lms_lessons_module_id'))
    )
    op.create_table('lms_module_instructors',
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['lms_modules.id'], name=op.f('fk_lms_module_instructors_module_id_lms_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['lms_users.id'], name=op.f('fk_lms_module_instructors_user_id_lms_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('module_id', 'user_id', name=op.f('pk_lms_module_instructors'))
    )
    op.create_table('lms_module_objectives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['lms_modules.id'], name=op.f('fk_lms_module_objectives_module_id_lms_modules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_module_objectives')),
    sa.UniqueConstraint('module_id', 'code', name=op.f('uq_lms_module_objectives_module_id'))
    )
    op.create_table('lms_module_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('published_at', lms.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['module_id'], ['lms_modules.id'], name=op.f('fk_lms_module_versions_module_id_lms_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by_id'], ['lms_users.id'], name=op.f('fk_lms_module_versions_published_by_id_lms_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_module_versions')),
    sa.UniqueConstraint('module_id', 'number', name=op.f('uq_lms_module_versions_module_id'))
    )
    op.create_table('lms_questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['lms_modules.id'], name=op.f('fk_lms_questions_module_id_lms_modules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_questions')),
    sa.UniqueConstraint('module_id', 'key', name=op.f('uq_lms_questions_module_id'))
    )
    op.create_table('lms_quizzes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('intro_md', sa.Text(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('attempts_allowed', sa.Integer(), nullable=False),
    sa.Column('time_limit_minutes', sa.Integer(), nullable=True),
    sa.Column('opens_at', lms.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closes_at', lms.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('grading_method', sa.String(length=10), nullable=False),
    sa.Column('pass_percent', sa.Float(), nullable=False),
    sa.Column('shuffle_questions', sa.Boolean(), nullable=False),
    sa.Column('shuffle_options', sa.Boolean(), nullable=False),
    sa.Column('review', sa.JSON(), nullable=False),
    sa.Column('overall_feedback', sa.JSON(), nullable=False),
    sa.Column('required_for_completion', sa.Boolean(), nullable=False),
    sa.CheckConstraint("grading_method IN ('highest', 'first', 'last', 'average')", name=op.f('ck_lms_quizzes_grading_method')),
    sa.CheckConstraint("purpose IN ('practice', 'graded', 'pretest', 'posttest', 'selfassessment')", name=op.f('ck_lms_quizzes_purpose')),
    sa.CheckConstraint('attempts_allowed >= 0', name=op.f('ck_lms_quizzes_attempts_allowed')),
    sa.CheckConstraint('pass_percent >= 0 AND pass_percent <= 100', name=op.f('ck_lms_quizzes_pass_percent')),
    sa.CheckConstraint('time_limit_minutes IS NULL OR time_limit_minutes > 0', name=op.f('ck_lms_quizzes_time_limit')),
    sa.ForeignKeyConstraint(['module_id'], ['lms_modules.id'], name=op.f('fk_lms_quizzes_module_id_lms_modules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_quizzes')),
    sa.UniqueConstraint('module_id', 'key', name=op.f('uq_lms_quizzes_module_id'))
    )
    op.create_table('lms_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('module_version_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('started_at', lms.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deadline_at', lms.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', lms.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('max_score', sa.Float(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.CheckConstraint("purpose IN ('practice', 'graded', 'pretest', 'posttest', 'selfassessment')", name=op.f('ck_lms_attempts_purpose')),
    sa.CheckConstraint("state IN ('open', 'submitted')", name=op.f('ck_lms_attempts_state')),
    sa.ForeignKeyConstraint(['module_version_id'], ['lms_module_versions.id'], name=op.f('fk_lms_attempts_module_version_id_lms_module_versions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quiz_id'], ['lms_quizzes.id'], name=op.f('fk_lms_attempts_quiz_id_lms_quizzes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['lms_users.id'], name=op.f('fk_lms_attempts_user_id_lms_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_attempts')),
    sa.UniqueConstraint('quiz_id', 'user_id', 'number', name=op.f('uq_lms_attempts_quiz_id'))
    )
    with op.batch_alter_table('lms_attempts', schema=None) as batch_op:
        batch_op.create_index('ix_lms_attempts_user_id', ['user_id'], unique=False)
        batch_op.create_index('ux_lms_attempts_one_open', ['quiz_id', 'user_id'], unique=True, sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))

    op.create_table('lms_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=True),
    sa.Column('offering_id', sa.Integer(), nullable=True),
    sa.Column('holder_name', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('issued_at', lms.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', lms.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sa.Text(), nullable=False),
    sa.CheckConstraint('(module_id IS NULL) <> (offering_id IS NULL)', name=op.f('ck_lms_certificates_module_or_course')),
    sa.ForeignKeyConstraint(['module_id'], ['lms_modules.id'], name=op.f('fk_lms_certificates_module_id_lms_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offering_id'], ['lms_offerings.id'], name=op.f('fk_lms_certificates_offering_id_lms_offerings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['lms_users.id'], name=op.f('fk_lms_certificates_revoked_by_id_lms_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['lms_users.id'], name=op.f('fk_lms_certificates_user_id_lms_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_certificates')),
    sa.UniqueConstraint('code', name=op.f('uq_lms_certificates_code'))
    )
    with op.batch_alter_table('lms_certificates', schema=None) as batch_op:
        batch_op.create_index('ix_lms_certificates_user_id', ['user_id'], unique=False)

    op.create_table('lms_course_rules',
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.Column('min_attendance_percent', sa.Integer(), nullable=False),
    sa.Column('needs_modules', sa.Boolean(), nullable=False),
    sa.CheckConstraint('min_attendance_percent >= 0 AND min_attendance_percent <= 100', name=op.f('ck_lms_course_rules_min_attendance_percent')),
    sa.ForeignKeyConstraint(['offering_id'], ['lms_offerings.id'], name=op.f('fk_lms_course_rules_offering_id_lms_offerings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('offering_id', name=op.f('pk_lms_course_rules'))
    )
    op.create_table('lms_lesson_views',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('first_viewed_at', lms.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_viewed_at', lms.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lms_lessons.id'], name=op.f('fk_lms_lesson_views_lesson_id_lms_lessons'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['lms_users.id'], name=op.f('fk_lms_lesson_views_user_id_lms_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'lesson_id', name=op.f('pk_lms_lesson_views'))
    )
    op.create_table('lms_module_courses',
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('offering_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['lms_modules.id'], name=op.f('fk_lms_module_courses_module_id_lms_modules'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['offering_id'], ['lms_offerings.id'], name=op.f('fk_lms_module_courses_offering_id_lms_offerings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('module_id', 'offering_id', name=op.f('pk_lms_module_courses'))
    )
    op.create_table('lms_question_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text_md', sa.Text(), nullable=False),
    sa.Column('spec', sa.JSON(), nullable=False),
    sa.Column('feedback_md', sa.Text(), nullable=False),
    sa.Column('points', sa.Float(), nullable=False),
    sa.Column('frozen', sa.Boolean(), nullable=False),
    sa.Column('created_at', lms.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('points >= 0', name=op.f('ck_lms_question_versions_points')),
    sa.ForeignKeyConstraint(['created_by_id'], ['lms_users.id'], name=op.f('fk_lms_question_versions_created_by_id_lms_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['lms_questions.id'], name=op.f('fk_lms_question_versions_question_id_lms_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_question_versions')),
    sa.UniqueConstraint('question_id', 'number', name=op.f('uq_lms_question_versions_question_id'))
    )
    op.create_table('lms_quiz_draws',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('tag', sa.String(length=100), nullable=True),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.CheckConstraint('(question_id IS NULL) <> (tag IS NULL)', name=op.f('ck_lms_quiz_draws_question_or_tag')),
    sa.CheckConstraint('count >= 1', name=op.f('ck_lms_quiz_draws_count')),
    sa.ForeignKeyConstraint(['question_id'], ['lms_questions.id'], name=op.f('fk_lms_quiz_draws_question_id_lms_questions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quiz_id'], ['lms_quizzes.id'], name=op.f('fk_lms_quiz_draws_quiz_id_lms_quizzes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_quiz_draws'))
    )
    op.create_table('lms_time_accommodations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('factor', sa.Float(), nullable=True),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', lms.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('factor IS NULL OR factor >= 1', name=op.f('ck_lms_time_accommodations_factor')),
    sa.ForeignKeyConstraint(['granted_by_id'], ['lms_users.id'], name=op.f('fk_lms_time_accommodations_granted_by_id_lms_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['quiz_id'], ['lms_quizzes.id'], name=op.f('fk_lms_time_accommodations_quiz_id_lms_quizzes'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['lms_users.id'], name=op.f('fk_lms_time_accommodations_user_id_lms_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_time_accommodations')),
    sa.UniqueConstraint('quiz_id', 'user_id', name=op.f('uq_lms_time_accommodations_quiz_id'))
    )
    op.create_table('lms_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('question_version_id', sa.Integer(), nullable=False),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('option_order', sa.JSON(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('saved_at', lms.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('seconds_spent', sa.Integer(), nullable=False),
    sa.Column('fraction', sa.Float(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('max_score', sa.Float(), nullable=False),
    sa.Column('right', sa.Boolean(), nullable=True),
    sa.Column('scored', sa.Boolean(), nullable=False),
    sa.Column('graded_by_id', sa.Integer(), nullable=True),
    sa.Column('graded_at', lms.timeutil.UTCDateTime(timezone=True), nullable=True),
    sa.Column('grader_comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['lms_attempts.id'], name=op.f('fk_lms_answers_attempt_id_lms_attempts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['graded_by_id'], ['lms_users.id'], name=op.f('fk_lms_answers_graded_by_id_lms_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_version_id'], ['lms_question_versions.id'], name=op.f('fk_lms_answers_question_version_id_lms_question_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_answers')),
    sa.UniqueConstraint('attempt_id', 'slot', name=op.f('uq_lms_answers_attempt_id'))
    )
    with op.batch_alter_table('lms_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_answers_question_version_id'), ['question_version_id'], unique=False)

    op.create_table('lms_session_attendance',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('checked_in_at', lms.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['lms_users.id'], name=op.f('fk_lms_session_attendance_checked_in_by_id_lms_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registration_id'], ['lms_registrations.id'], name=op.f('fk_lms_session_attendance_registration_id_lms_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['lms_sessions.id'], name=op.f('fk_lms_session_attendance_session_id_lms_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', 'session_id', name=op.f('pk_lms_session_attendance'))
    )
    op.create_table('lms_regrades',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('graded_with_id', sa.Integer(), nullable=False),
    sa.Column('old_fraction', sa.Float(), nullable=True),
    sa.Column('new_fraction', sa.Float(), nullable=True),
    sa.Column('done_at', lms.timeutil.UTCDateTime(timezone=True), nullable=False),
    sa.Column('done_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['answer_id'], ['lms_answers.id'], name=op.f('fk_lms_regrades_answer_id_lms_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['done_by_id'], ['lms_users.id'], name=op.f('fk_lms_regrades_done_by_id_lms_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['graded_with_id'], ['lms_question_versions.id'], name=op.f('fk_lms_regrades_graded_with_id_lms_question_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lms_regrades'))
    )
    with op.batch_alter_table('lms_regrades', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lms_regrades_answer_id'), ['answer_id'], unique=False)



def downgrade():
    with op.batch_alter_table('lms_regrades', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_regrades_answer_id'))

    op.drop_table('lms_regrades')
    op.drop_table('lms_session_attendance')
    with op.batch_alter_table('lms_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_answers_question_version_id'))

    op.drop_table('lms_answers')
    op.drop_table('lms_time_accommodations')
    op.drop_table('lms_quiz_draws')
    op.drop_table('lms_question_versions')
    op.drop_table('lms_module_courses')
    op.drop_table('lms_lesson_views')
    op.drop_table('lms_course_rules')
    with op.batch_alter_table('lms_certificates', schema=None) as batch_op:
        batch_op.drop_index('ix_lms_certificates_user_id')

    op.drop_table('lms_certificates')
    with op.batch_alter_table('lms_attempts', schema=None) as batch_op:
        batch_op.drop_index('ux_lms_attempts_one_open', sqlite_where=sa.text("state = 'open'"), postgresql_where=sa.text("state = 'open'"))
        batch_op.drop_index('ix_lms_attempts_user_id')

    op.drop_table('lms_attempts')
    op.drop_table('lms_quizzes')
    op.drop_table('lms_questions')
    op.drop_table('lms_module_versions')
    op.drop_table('lms_module_objectives')
    op.drop_table('lms_module_instructors')
    op.drop_table('lms_lessons')
    with op.batch_alter_table('lms_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lms_attachments_module_id'))

    op.drop_table('lms_attachments')
    op.drop_table('lms_modules')
